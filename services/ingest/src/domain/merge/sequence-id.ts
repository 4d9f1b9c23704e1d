import type { QualityFlag } from '@observatoire/contracts';

/**
 * Some 2019 sources republish a modification as a new contract whose id ends with a 2-digit sequence
 * number (…01, …02). Evidence is "strong" only when, for the SAME buyer, a neighbour id is this id
 * without its last two digits, or the same id ending in "00" (lot numbers start at 01, so "LOT01" /
 * "LOT02" alone never match). Pure: the application layer passes the ids it knows for the buyer.
 */
export function sequenceIdModificationFlag(id: string, sameBuyerIds: readonly string[]): QualityFlag | null {
  const m = id.match(/^(.{6,})(\d{2})$/);
  if (!m || m[2] === '00') return null;
  const [, base, suffix] = m;
  const original = sameBuyerIds.find((other) => other !== id && (other === base || other === `${base}00`));
  if (!original) return null;
  return {
    code: 'SEQUENCE_ID_MODIFICATION',
    field: 'id',
    message: `id: "${id}" looks like modification ${suffix} of contract "${original}" republished as a new contract (same buyer)`,
  };
}
