import { TokenBuckets } from './token-bucket';

describe('per-client token buckets', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets a burst of `capacity` requests through, then refuses with the seconds until the next token', () => {
    const b = new TokenBuckets({ capacity: 3, refillPerSecond: 0.5, now: clock });
    expect([1, 2, 3].map(() => b.take('1.2.3.4').allowed)).toEqual([true, true, true]);
    const refused = b.take('1.2.3.4');
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 2 });
  });

  it('refills continuously at the configured rate, never beyond capacity', () => {
    const b = new TokenBuckets({ capacity: 2, refillPerSecond: 1, now: clock });
    b.take('a');
    b.take('a');
    expect(b.take('a').allowed).toBe(false);
    now += 1000;
    expect(b.take('a').allowed).toBe(true);
    now += 60_000;
    expect(b.take('a').remaining).toBe(1); // full (2) minus this one, not 60
  });

  it('keeps one bucket per client: an empty bucket does not limit another client', () => {
    const b = new TokenBuckets({ capacity: 1, refillPerSecond: 1, now: clock });
    expect(b.take('a').allowed).toBe(true);
    expect(b.take('a').allowed).toBe(false);
    expect(b.take('b').allowed).toBe(true);
  });

  it('forgets the least recently seen client first when it holds maxKeys buckets', () => {
    const b = new TokenBuckets({ capacity: 1, refillPerSecond: 0.001, maxKeys: 2, now: clock });
    b.take('a');
    b.take('b');
    b.take('a'); // a seen again: b is now the least recent
    b.take('c');
    expect(b.size).toBe(2);
    expect(b.take('a').allowed).toBe(false); // a kept its (empty) bucket
    expect(b.take('b').allowed).toBe(true); // b was forgotten: a fresh bucket
  });
});
