import type { ParsedItem } from './parsed-item';

export interface WorkerStart {
  name: string;
  source: string;
  /** Items per batch posted back, and a byte bound on their JSON (one huge record is a batch of its own). */
  batchSize: number;
  batchBytes: number;
  /** Batches posted and not yet folded before the thread waits. */
  maxBatches: number;
}

export type ToWorker =
  /** Parse one file: the thread serves one file at a time and is reused for the next. */
  | { type: 'start'; start: WorkerStart }
  | { type: 'chunk'; data: Uint8Array }
  | { type: 'end' }
  | { type: 'abort'; message: string }
  | { type: 'batch-done' };

export type ToMain = { type: 'want' } | { type: 'batch'; items: ParsedItem[] } | { type: 'done' } | { type: 'failed'; message: string };
