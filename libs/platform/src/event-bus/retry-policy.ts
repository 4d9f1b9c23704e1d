import type { BatchHandler, DeliveredEvent } from './event-bus.port';

export interface FailedDelivery {
  delivered: DeliveredEvent;
  reason: string;
  attempts: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The error policy shared by both adapters: retry the whole batch with exponential backoff
 * (transient failures: a database restart, a search engine hiccup); if it still fails, run the
 * events one by one so one poison event cannot block the partition: those that still fail after
 * their own retries are returned for the dead-letter topic. Never an endless redelivery loop.
 */
export async function handleWithRetries(
  handler: BatchHandler,
  batch: DeliveredEvent[],
  opts: { maxAttempts: number; retryBackoffMs: number; onRetry?: (attempt: number, err: unknown) => void },
): Promise<FailedDelivery[]> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= opts.maxAttempts; attempt++) {
    try {
      await handler(batch);
      return [];
    } catch (err) {
      lastError = err;
      opts.onRetry?.(attempt, err);
      if (attempt < opts.maxAttempts) await sleep(opts.retryBackoffMs * 2 ** (attempt - 1));
    }
  }
  if (batch.length === 1) return [{ delivered: batch[0], reason: errorText(lastError), attempts: opts.maxAttempts }];
  const failed: FailedDelivery[] = [];
  for (const one of batch) {
    const res = await handleWithRetries(handler, [one], { ...opts, maxAttempts: Math.min(2, opts.maxAttempts) });
    failed.push(...res);
  }
  return failed;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 2000);
  return String(err).slice(0, 2000);
}
