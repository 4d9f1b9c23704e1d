import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * The one event envelope (CloudEvents-like). `aggregateId` is also the Kafka message key,
 * so every event of one aggregate lands on one partition, in order.
 */
export const envelopeBase = z.object({
  eventId: z.string().min(1),
  type: z.string().min(1),
  version: z.number().int().positive(),
  /** Producer identity, e.g. "observatoire/ingest". `source` + `eventId` is unique. */
  source: z.string().min(1),
  occurredAt: z.string().datetime({ offset: true }),
  aggregateId: z.string().min(1),
  /** Monotonic per aggregate: consumers and search use it for external versioning. */
  aggregateVersion: z.number().int().nonnegative(),
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
});
export type EnvelopeBase = z.infer<typeof envelopeBase>;

export function envelopeSchema<T extends string, V extends number, D extends z.ZodTypeAny>(type: T, version: V, data: D) {
  return envelopeBase.extend({ type: z.literal(type), version: z.literal(version), data });
}

/** A name-based UUID (RFC 4122 v5 layout over SHA-256 truncated): same input, same id. */
export function deterministicUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u001f')).digest();
  const b = Buffer.from(h.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = b.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function newCorrelationId(): string {
  return randomUUID();
}

/** Stable JSON (sorted keys) for content hashing. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
