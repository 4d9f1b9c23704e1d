import express from 'express';
import request from 'supertest';
import { publicRateLimit } from './public-rate-limit';

function app() {
  const a = express();
  a.use('/api', publicRateLimit({ capacity: 3, refillPerSecond: 0.001, exempt: ['/health', '/search'] }));
  a.get('/api/indicators', (_req, res) => res.json({ ok: true }));
  a.get('/api/health', (_req, res) => res.json({ ok: true }));
  a.get('/api/search', (_req, res) => res.json({ ok: true }));
  a.post('/api/indicators', (_req, res) => res.json({ ok: true }));
  return a;
}

describe('rate limit of the public read-only API', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a client has spent its burst', async () => {
    const a = app();
    for (let i = 0; i < 3; i++) expect((await request(a).get('/api/indicators')).status).toBe(200);
    const limited = await request(a).get('/api/indicators');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('leaves exempt paths and non-GET requests to their own rules', async () => {
    const a = app();
    for (let i = 0; i < 5; i++) {
      expect((await request(a).get('/api/health')).status).toBe(200);
      expect((await request(a).get('/api/search')).status).toBe(200);
      expect((await request(a).post('/api/indicators')).status).toBe(200);
    }
  });
});
