/** What a consumer batch did: for logs and tests. */
export interface ProjectionOutcome {
  received: number;
  applied: number;
  skipped: number;
  /** Events of other types on the topic: recorded as processed, no effect. */
  ignored: number;
}
