/** The four services of the observatory (no import: the CLI parses `--service` without loading them). */
export const SERVICE_NAMES = ['ingest', 'catalog', 'search', 'analytics'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
