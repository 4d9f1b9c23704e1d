import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/** A weak validator of a JSON body: same body, same tag (bodies are built deterministically). */
export function weakEtag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** RFC 9110 If-None-Match with weak comparison: `*`, or any listed tag equal once `W/` is ignored. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => opaque(t) === opaque(etag));
}

/**
 * Sends a public, cacheable JSON answer: `Cache-Control: public, max-age=<s>`, a weak ETag, and
 * 304 Not Modified without a body when the client already holds that representation.
 */
export function sendCacheableJson(req: Request, res: Response, payload: unknown, maxAgeSeconds: number): void {
  const body = JSON.stringify(payload);
  const etag = weakEtag(body);
  res.setHeader('Cache-Control', `public, max-age=${maxAgeSeconds}`);
  res.setHeader('ETag', etag);
  res.setHeader('Vary', 'Accept-Encoding');
  if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).type('application/json').send(body);
}
