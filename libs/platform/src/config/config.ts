import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .union([z.boolean(), z.string()])
  .transform((v) => (typeof v === 'boolean' ? v : ['1', 'true', 'yes', 'oui', 'on'].includes(v.toLowerCase())));

const RawConfig = z.object({
  OBSERVATOIRE_PROFILE: z.enum(['embedded', 'distributed']).default('embedded'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  OBSERVATOIRE_DATA_DIR: z.string().default('./data'),
  /** Seed the embedded observatory with the Breton sample shipped in the repository on first start. */
  OBSERVATOIRE_SEED: bool.default(true),
  /** Pull the registered DECP feeds on their schedule (ingest service). */
  OBSERVATOIRE_FEED_SCHEDULER: bool.default(true),
  /** Longest wait for the ingest ledger lock of a CLI, scheduler or seed run (another run in progress), seconds. */
  INGEST_LOCK_WAIT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  /** Longest wait of an upload for the ledger lock before 409 INGEST_LEDGER_BUSY, seconds. */
  INGEST_UPLOAD_LOCK_WAIT_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
  KAFKA_BROKERS: z.string().optional(),
  KAFKA_PARTITIONS: z.coerce.number().int().positive().default(3),
  /** Optional prefix of every topic and consumer group (several observatories or test runs on one cluster). */
  KAFKA_NAMESPACE: z.string().regex(/^[a-zA-Z0-9._-]+$/).optional(),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().positive().default(1),
  KAFKA_SSL: bool.default(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  INGEST_DATABASE_URL: z.string().optional(),
  CATALOG_DATABASE_URL: z.string().optional(),
  ANALYTICS_DATABASE_URL: z.string().optional(),
  SEARCH_URL: z.string().url().optional(),
  SEARCH_ENGINE_FLAVOR: z.enum(['opensearch', 'elasticsearch']).default('opensearch'),
  SEARCH_INDEX_PREFIX: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).default('observatoire'),
  SEARCH_USERNAME: z.string().optional(),
  SEARCH_PASSWORD: z.string().optional(),
  SIRENE_API_URL: z.string().url().optional(),
  /** Comma-separated admin API keys (`Authorization: Bearer <key>`, role `admin`). Without any key nor OIDC, admin endpoints are closed. */
  OBSERVATOIRE_ADMIN_TOKENS: z.string().optional(),
  /** Comma-separated upload-only API keys (role `ingest`: `POST /api/ingest/uploads`). */
  OBSERVATOIRE_INGEST_TOKENS: z.string().optional(),
  /** OIDC provider whose access tokens (JWT) are accepted on the admin and upload endpoints: exactly the tokens' `iss`. */
  OBSERVATOIRE_OIDC_ISSUER: z.string().url().optional(),
  /** Expected `aud` (comma-separated: any of them); required with the issuer. */
  OBSERVATOIRE_OIDC_AUDIENCE: z.string().optional(),
  /** JWKS of the provider; discovered from `<issuer>/.well-known/openid-configuration` when absent. */
  OBSERVATOIRE_OIDC_JWKS_URL: z.string().url().optional(),
  /** Claim holding the roles, dotted path for nested claims (`realm_access.roles`); an array or a space-separated string. */
  OBSERVATOIRE_OIDC_ROLES_CLAIM: z.string().regex(/^[^\s]+$/, 'no whitespace').optional(),
  /** Only the provider's roles with this prefix count, prefix removed (`observatoire-` : `observatoire-admin` → `admin`). */
  OBSERVATOIRE_OIDC_ROLE_PREFIX: z.string().regex(/^[^\s]+$/, 'no whitespace').optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** Public read-only API (besides search): burst and refill per client IP. */
  PUBLIC_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(120),
  PUBLIC_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(20),
  /** Public search endpoints (`/api/search`, `/api/search/organisations`): their own burst and refill per client IP. */
  SEARCH_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(60),
  SEARCH_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(10),
  /** Embedded search: read-only SQLite connections in worker threads serving queries (0 = on the writer's connection). */
  SEARCH_EMBEDDED_READERS: z.coerce.number().int().min(0).max(16).default(2),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ObservatoireConfig {
  profile: 'embedded' | 'distributed';
  port: number;
  host: string;
  dataDir: string;
  seed: boolean;
  feedScheduler: boolean;
  /** Ingest ledger lock waits, in ms: runs (CLI, scheduler, seed) and uploads. */
  ingestLock: { waitMs: number; uploadWaitMs: number };
  kafka: {
    brokers: string[];
    partitions: number;
    replicationFactor: number;
    namespace?: string;
    ssl: boolean;
    sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  } | null;
  databases: { ingest: string; catalog: string; analytics: string };
  search: { url: string; flavor: 'opensearch' | 'elasticsearch'; indexPrefix: string; username?: string; password?: string } | { embedded: string; indexPrefix: string; readers: number };
  sireneApiUrl: string | null;
  /** API keys with the role `admin` (which implies `ingest`). */
  adminTokens: string[];
  /** API keys with the role `ingest` only (upload). */
  ingestTokens: string[];
  /** OIDC access tokens accepted on the admin and upload endpoints; `null`: API keys only. */
  oidc: OidcConfig | null;
  otlpEndpoint: string | null;
  logLevel: string;
  publicRateLimit: { capacity: number; refillPerSecond: number };
  /** The search endpoints' own per-client token bucket. */
  searchRateLimit: { capacity: number; refillPerSecond: number };
}

export interface OidcConfig {
  issuer: string;
  /** Accepted audiences (the token's `aud` must contain one of them). */
  audience: string[];
  /** `null`: discovered from the issuer's `/.well-known/openid-configuration`. */
  jwksUrl: string | null;
  /** Dotted path of the roles claim (`roles`, `realm_access.roles`, `resource_access.<client>.roles`). */
  rolesClaim: string;
  rolePrefix: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Typed configuration that fails fast. Embedded profile: everything defaults under the data directory.
 * Distributed profile: Kafka, every database and the search engine must be given explicitly — no
 * silent fallback to a local default.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Record<string, string>> = {}): ObservatoireConfig {
  const parsed = RawConfig.safeParse({ ...pickDefined(env), ...pickDefined(overrides) });
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const c = parsed.data;
  const dataDir = isAbsolute(c.OBSERVATOIRE_DATA_DIR) ? c.OBSERVATOIRE_DATA_DIR : resolve(process.cwd(), c.OBSERVATOIRE_DATA_DIR);
  if (c.OBSERVATOIRE_PROFILE === 'distributed' && !c.KAFKA_BROKERS) throw new ConfigError(['KAFKA_BROKERS is required in the distributed profile']);
  if (c.KAFKA_SASL_MECHANISM && (!c.KAFKA_SASL_USERNAME || !c.KAFKA_SASL_PASSWORD)) throw new ConfigError(['KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM']);
  const oidc = oidcConfig(c);
  const sqlite = (name: string) => `sqlite:${join(dataDir, `${name}.db`)}`;
  return {
    profile: c.OBSERVATOIRE_PROFILE,
    port: c.PORT,
    host: c.HOST,
    dataDir,
    seed: c.OBSERVATOIRE_SEED,
    feedScheduler: c.OBSERVATOIRE_FEED_SCHEDULER,
    ingestLock: { waitMs: c.INGEST_LOCK_WAIT_SECONDS * 1000, uploadWaitMs: c.INGEST_UPLOAD_LOCK_WAIT_SECONDS * 1000 },
    kafka: c.KAFKA_BROKERS
      ? {
          brokers: c.KAFKA_BROKERS.split(',').map((s) => s.trim()).filter(Boolean),
          partitions: c.KAFKA_PARTITIONS,
          replicationFactor: c.KAFKA_REPLICATION_FACTOR,
          namespace: c.KAFKA_NAMESPACE,
          ssl: c.KAFKA_SSL,
          sasl: c.KAFKA_SASL_MECHANISM ? { mechanism: c.KAFKA_SASL_MECHANISM, username: c.KAFKA_SASL_USERNAME ?? '', password: c.KAFKA_SASL_PASSWORD ?? '' } : undefined,
        }
      : null,
    databases: {
      ingest: c.INGEST_DATABASE_URL ?? sqlite('ingest'),
      catalog: c.CATALOG_DATABASE_URL ?? sqlite('catalog'),
      analytics: c.ANALYTICS_DATABASE_URL ?? sqlite('analytics'),
    },
    search: c.SEARCH_URL
      ? { url: c.SEARCH_URL, flavor: c.SEARCH_ENGINE_FLAVOR, indexPrefix: c.SEARCH_INDEX_PREFIX, username: c.SEARCH_USERNAME, password: c.SEARCH_PASSWORD }
      : { embedded: join(dataDir, 'search.db'), indexPrefix: c.SEARCH_INDEX_PREFIX, readers: c.SEARCH_EMBEDDED_READERS },
    sireneApiUrl: c.SIRENE_API_URL ?? null,
    adminTokens: list(c.OBSERVATOIRE_ADMIN_TOKENS),
    ingestTokens: list(c.OBSERVATOIRE_INGEST_TOKENS),
    oidc,
    otlpEndpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
    logLevel: c.LOG_LEVEL,
    publicRateLimit: { capacity: c.PUBLIC_RATE_LIMIT_BURST, refillPerSecond: c.PUBLIC_RATE_LIMIT_PER_SECOND },
    searchRateLimit: { capacity: c.SEARCH_RATE_LIMIT_BURST, refillPerSecond: c.SEARCH_RATE_LIMIT_PER_SECOND },
  };
}

function list(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** OIDC is on when the issuer is given; the audience is then required, and no OIDC setting goes without the issuer. */
function oidcConfig(c: z.infer<typeof RawConfig>): OidcConfig | null {
  if (!c.OBSERVATOIRE_OIDC_ISSUER) {
    const orphans = (['OBSERVATOIRE_OIDC_AUDIENCE', 'OBSERVATOIRE_OIDC_JWKS_URL', 'OBSERVATOIRE_OIDC_ROLES_CLAIM', 'OBSERVATOIRE_OIDC_ROLE_PREFIX'] as const).filter((k) => c[k] !== undefined);
    if (orphans.length) throw new ConfigError(orphans.map((k) => `${k} needs OBSERVATOIRE_OIDC_ISSUER`));
    return null;
  }
  const audience = list(c.OBSERVATOIRE_OIDC_AUDIENCE);
  if (!audience.length) throw new ConfigError(['OBSERVATOIRE_OIDC_AUDIENCE is required with OBSERVATOIRE_OIDC_ISSUER']);
  return {
    issuer: c.OBSERVATOIRE_OIDC_ISSUER,
    audience,
    jwksUrl: c.OBSERVATOIRE_OIDC_JWKS_URL ?? null,
    rolesClaim: c.OBSERVATOIRE_OIDC_ROLES_CLAIM ?? 'roles',
    rolePrefix: c.OBSERVATOIRE_OIDC_ROLE_PREFIX ?? null,
  };
}

/** What each service needs in the distributed profile (least privilege: a process gets only its own database). */
const DISTRIBUTED_REQUIREMENTS: Record<string, (keyof z.infer<typeof RawConfig>)[]> = {
  ingest: ['INGEST_DATABASE_URL'],
  catalog: ['CATALOG_DATABASE_URL'],
  search: ['SEARCH_URL'],
  analytics: ['ANALYTICS_DATABASE_URL'],
};

/**
 * Fail fast when a distributed service lacks its own store: no silent fallback to a local SQLite
 * file or an embedded index in the distributed profile.
 */
export function assertServicesConfigured(env: Record<string, string | undefined>, config: ObservatoireConfig, services: readonly string[]): void {
  if (config.profile !== 'distributed') return;
  const missing = services.flatMap((s) => (DISTRIBUTED_REQUIREMENTS[s] ?? []).filter((k) => !env[k]).map((k) => `${k} is required by the ${s} service in the distributed profile`));
  if (missing.length) throw new ConfigError(missing);
}

function pickDefined(o: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
