/**
 * An in-process mutex granting the slot in arrival order, with a bounded wait. `holder` names who has
 * the slot now (for log lines); a waiter that gives up leaves the queue without disturbing the others.
 */
export class FifoMutex<H> {
  private current: H | null = null;
  private readonly queue: { holder: H; grant: () => void }[] = [];

  get holder(): H | null {
    return this.current;
  }

  /** Resolves when `holder` has the slot; rejects with `onTimeout()` after `timeoutMs` in the queue. */
  acquire(holder: H, timeoutMs: number, onTimeout: () => Error): Promise<void> {
    if (this.current === null) {
      this.current = holder;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        holder,
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const i = this.queue.indexOf(waiter);
        if (i < 0) return; // granted meanwhile
        this.queue.splice(i, 1);
        reject(onTimeout());
      }, Math.max(0, timeoutMs));
      this.queue.push(waiter);
    });
  }

  /** Hands the slot to the next waiter, or frees it. */
  release(): void {
    const next = this.queue.shift();
    this.current = next ? next.holder : null;
    next?.grant();
  }
}
