import type { QualityFlag, QualityFlagCode, QuarantineReason, QuarantineReasonCode } from '@observatoire/contracts';

/** Collects quality flags for one record, without duplicates (same code + field + message). */
export class FlagSink {
  private readonly flags: QualityFlag[] = [];
  private readonly seen = new Set<string>();

  add(code: QualityFlagCode, field: string | null, message: string, original?: unknown): void {
    const key = `${code}|${field ?? ''}|${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const flag: QualityFlag = { code, field, message };
    if (original !== undefined) flag.original = original === null ? null : textOf(original);
    this.flags.push(flag);
  }

  list(): QualityFlag[] {
    return [...this.flags];
  }
}

export function textOf(value: unknown): string {
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}

export function quarantineReason(code: QuarantineReasonCode, field: string | null, message: string): QuarantineReason {
  return { code, field, message };
}
