import type { Contract, QuarantineReason } from '@observatoire/contracts';

export type NormaliseOutcome =
  | { readonly status: 'accepted' | 'flagged'; readonly contract: Contract }
  | {
      readonly status: 'quarantined';
      readonly recordId: string | null;
      readonly acheteurId: string | null;
      readonly reasons: QuarantineReason[];
      readonly raw: string;
    };

export interface NormaliseContext {
  /** Logical source (feed id, "megalis", "decp.info", "upload"…). */
  readonly source: string;
  /** Reference day for "not in the future" (YYYY-MM-DD); defaults to the current UTC day. */
  readonly today?: string;
}
