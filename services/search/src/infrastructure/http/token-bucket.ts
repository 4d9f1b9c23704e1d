/** The token bucket lives in libs/platform (shared by every public endpoint's rate limit). */
export { TokenBuckets, type TokenBucketOptions, type TakeResult } from '@observatoire/platform';
