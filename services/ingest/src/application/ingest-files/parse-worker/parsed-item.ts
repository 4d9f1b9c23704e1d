import { contentHash, type Contract, type DecpFormat, type QuarantineReason } from '@observatoire/contracts';
import { normaliseRecord, type RawRecord } from '../../../domain';

/** The provenance-free content of a contract: what a "real change" is measured on. */
export function contractContentHash(c: Contract): string {
  const { provenance: _p, ...content } = c;
  return contentHash(content);
}

/**
 * One record read, validated and normalised, in a form that crosses a thread boundary cheaply: an accepted
 * contract travels as its JSON text and content hash (computed once, where it was normalised), so the
 * thread that folds it into the ledger parses it only when it must merge it with another state.
 */
export type ParsedItem =
  | { readonly kind: 'file-error'; readonly message: string }
  | { readonly kind: 'contract'; readonly status: 'accepted' | 'flagged'; readonly format: DecpFormat | null; readonly uid: string; readonly json: string; readonly hash: string }
  | {
      readonly kind: 'quarantined';
      readonly format: DecpFormat | null;
      readonly position: number;
      readonly recordId: string | null;
      readonly acheteurId: string | null;
      readonly reasons: QuarantineReason[];
      readonly raw: string;
    };

export function parsedItemOf(raw: RawRecord, source: string): ParsedItem {
  if (raw.problem?.level === 'file') return { kind: 'file-error', message: raw.problem.message };
  const outcome = normaliseRecord(raw, { source });
  if (outcome.status === 'quarantined') {
    return { kind: 'quarantined', format: raw.format, position: raw.position, recordId: outcome.recordId, acheteurId: outcome.acheteurId, reasons: outcome.reasons, raw: outcome.raw };
  }
  const c = outcome.contract;
  return { kind: 'contract', status: outcome.status, format: raw.format, uid: c.uid, json: JSON.stringify(c), hash: contractContentHash(c) };
}
