/**
 * The benches' seeded random numbers (mulberry32, full 2^32 period). The former inline LCG multiplied in floating
 * point beyond 2^53 and fell into a cycle of about 950 values, so every 950th synthetic contract repeated the same
 * buyer, CPV, amount and date.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
