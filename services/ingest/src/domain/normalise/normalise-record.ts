import type { RawRecord } from '../raw-record';
import { normaliseDecpInfoRow } from './decp-info-row';
import { quarantineReason } from './flag-sink';
import { normaliseItem, quarantined } from './normalise-item';
import type { NormaliseContext, NormaliseOutcome } from './normalise-outcome';
import { isObject } from './shapes';

/**
 * One record in any of the five shapes → one canonical Contract (accepted, or flagged with quality flags),
 * or a quarantine when the record cannot be a contract (unparseable, not an object, no id, no buyer,
 * nothing says what was bought, unknown kind).
 */
export function normaliseRecord(raw: RawRecord, ctx: NormaliseContext): NormaliseOutcome {
  if (raw.problem) return quarantined(raw, null, null, [quarantineReason('UNPARSEABLE_RECORD', null, raw.problem.message)]);
  if (!isObject(raw.value)) {
    return quarantined(raw, null, null, [quarantineReason('NOT_AN_OBJECT', null, `record ${raw.position} is ${Array.isArray(raw.value) ? 'a list' : JSON.stringify(raw.value)}, not an object`)]);
  }
  if (raw.format === 'decp-info-csv') {
    return normaliseDecpInfoRow(raw, raw.value, ctx);
  }
  // a mapped tabular export has no official schema to check: its mapping says what each column is
  return normaliseItem(raw, raw.value, ctx, { validateSchema: raw.format !== 'tabular-mapped' });
}

