import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, HttpCode, type INestApplication, Module, Post, Req, type Type, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Request } from 'express';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload, SignJWT } from 'jose';
import request from 'supertest';
import { loadConfig } from '../config/config';
import type { EventBus } from '../event-bus/event-bus.port';
import { AdminAuthGuard } from './admin-auth.guard';
import { ApiExceptionFilter } from './error-codes';
import { PlatformModule } from './platform.module';
import { principalOf, RequireRoles } from './roles';

/** A tiny OIDC provider: discovery document and JWKS on a local port; counts the requests per path. */
class FakeProvider {
  readonly hits: Record<string, number> = {};
  jwks: JWK[] = [];
  private server: Server | null = null;
  issuer = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.hits[path] = (this.hits[path] ?? 0) + 1;
      const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path === '/realms/obs/.well-known/openid-configuration') return json({ issuer: this.issuer, jwks_uri: `${this.origin}/realms/obs/certs` });
      if (path === '/realms/obs/certs') return json({ keys: this.jwks });
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.issuer = `${this.origin}/realms/obs`;
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

@Controller('t')
@UseGuards(AdminAuthGuard)
class DefaultRoleController {
  /** No @RequireRoles: `admin`. */
  @Get('replay')
  replay(@Req() req: Request) {
    return { who: principalOf(req)?.subject, roles: [...(principalOf(req)?.roles ?? [])].sort() };
  }
}

@Controller('u')
@UseGuards(AdminAuthGuard)
@RequireRoles('admin')
class UploadController {
  @Post('uploads')
  @HttpCode(200)
  @RequireRoles('ingest')
  upload(@Req() req: Request) {
    return { who: principalOf(req)?.subject };
  }

  @Get('feeds')
  feeds() {
    return { ok: true };
  }
}

const bus = { health: async () => ({ ok: true, detail: 'stub' }) } as unknown as EventBus;

async function appWith(env: Record<string, string>): Promise<INestApplication> {
  @Module({ imports: [PlatformModule.forRoot({ bus, config: loadConfig(env) })], controllers: [DefaultRoleController, UploadController] })
  class TestModule {}
  const app = await NestFactory.create(TestModule as Type<unknown>, { logger: false });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ApiExceptionFilter());
  await app.init();
  return app;
}

const AUDIENCE = 'observatoire';
const ADMIN_KEY = 'admin-key-0123456789';
const INGEST_KEY = 'ingest-key-abcdefghij';
const now = () => Math.floor(Date.now() / 1000);

describe('AdminAuthGuard: API keys, OIDC JWTs and roles', () => {
  const provider = new FakeProvider();
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
  let rogue: { privateKey: CryptoKey; publicKey: CryptoKey };
  /** Discovery (no JWKS URL), default `roles` claim, API keys too. */
  let discovering: INestApplication;
  /** Keycloak style: explicit JWKS URL, roles in `realm_access.roles` with a prefix. */
  let keycloak: INestApplication;

  const sign = (claims: JWTPayload, opts: { key?: CryptoKey; kid?: string; alg?: string; exp?: number; iss?: string; aud?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'rsa-1', typ: 'JWT' })
      .setIssuer(opts.iss ?? provider.issuer)
      .setAudience(opts.aud ?? AUDIENCE)
      .setSubject(typeof claims.sub === 'string' ? claims.sub : 'user-1')
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? now() + 300)
      .sign(opts.key ?? rsa.privateKey);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    await provider.start();
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    rogue = await generateKeyPair('RS256');
    provider.jwks = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    discovering = await appWith({
      OBSERVATOIRE_OIDC_ISSUER: provider.issuer,
      OBSERVATOIRE_OIDC_AUDIENCE: `other-client,${AUDIENCE}`,
      OBSERVATOIRE_ADMIN_TOKENS: ADMIN_KEY,
      OBSERVATOIRE_INGEST_TOKENS: INGEST_KEY,
    });
    keycloak = await appWith({
      OBSERVATOIRE_OIDC_ISSUER: provider.issuer,
      OBSERVATOIRE_OIDC_AUDIENCE: AUDIENCE,
      OBSERVATOIRE_OIDC_JWKS_URL: `${provider.origin}/realms/obs/certs`,
      OBSERVATOIRE_OIDC_ROLES_CLAIM: 'realm_access.roles',
      OBSERVATOIRE_OIDC_ROLE_PREFIX: 'observatoire-',
    });
  });

  afterAll(async () => {
    await discovering?.close();
    await keycloak?.close();
    await provider.stop();
  });

  const http = (app: INestApplication) => request(app.getHttpServer());

  /** 401 in the API's error shape, with the RFC 6750 challenge. */
  const expect401 = (res: request.Response, reason: string, message: RegExp) => {
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(message), correlationId: expect.any(String) });
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="observatoire", error="invalid_token", error_description="${reason}"`);
  };

  describe('OIDC tokens', () => {
    it('lets a valid admin token through (discovery: no JWKS URL configured) and records its subject', async () => {
      const res = await http(discovering).get('/api/t/replay').set(bearer(await sign({ sub: 'alice', roles: ['admin'] }))).expect(200);
      expect(res.body).toEqual({ who: 'alice', roles: ['admin', 'ingest'] });
      expect(provider.hits['/realms/obs/.well-known/openid-configuration']).toBe(1);
      expect(provider.hits['/realms/obs/certs']).toBeGreaterThanOrEqual(1);
      // admin implies ingest
      await http(discovering).post('/api/u/uploads').set(bearer(await sign({ sub: 'alice', roles: ['admin'] }))).expect(200);
    });

    it('accepts ES256 as well, and roles as a space-separated string', async () => {
      const token = await sign({ sub: 'robot', roles: 'ingest offline_access' }, { key: ec.privateKey, kid: 'ec-1', alg: 'ES256' });
      expect((await http(discovering).post('/api/u/uploads').set(bearer(token)).expect(200)).body).toEqual({ who: 'robot' });
    });

    it('gives an ingest-only token 200 on the upload route and 403 on admin routes', async () => {
      const token = await sign({ sub: 'uploader', roles: ['ingest'] });
      await http(discovering).post('/api/u/uploads').set(bearer(token)).expect(200);
      for (const path of ['/api/t/replay', '/api/u/feeds']) {
        const res = await http(discovering).get(path).set(bearer(token));
        expect(res.status, path).toBe(403);
        expect(res.body).toMatchObject({ code: 'FORBIDDEN', message: 'Droits insuffisants : rôle « admin » requis (rôles de uploader : ingest)' });
        expect(res.headers['www-authenticate']).toBe('Bearer realm="observatoire", error="insufficient_scope", scope="admin"');
      }
    });

    it('answers 403 to an authenticated token without any known role', async () => {
      const res = await http(discovering).post('/api/u/uploads').set(bearer(await sign({ sub: 'bob', roles: ['reader'] })));
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/rôle « ingest » requis \(rôles de bob : aucun\)/);
    });

    it('refuses an expired token, and tolerates a small clock skew', async () => {
      expect401(await http(discovering).get('/api/t/replay').set(bearer(await sign({ roles: ['admin'] }, { exp: now() - 120 }))), 'expired', /^Jeton expiré/);
      await http(discovering).get('/api/t/replay').set(bearer(await sign({ roles: ['admin'] }, { exp: now() - 5 }))).expect(200);
    });

    it('refuses a token that is not valid yet', async () => {
      const token = await new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .setIssuer(provider.issuer)
        .setAudience(AUDIENCE)
        .setNotBefore(now() + 600)
        .setExpirationTime(now() + 900)
        .sign(rsa.privateKey);
      expect401(await http(discovering).get('/api/t/replay').set(bearer(token)), 'not_yet_valid', /pas encore valide \(nbf\)/);
    });

    it('refuses a token for another audience', async () => {
      expect401(await http(discovering).get('/api/t/replay').set(bearer(await sign({ roles: ['admin'] }, { aud: 'account' }))), 'wrong_audience', /autre audience/);
    });

    it('refuses a token from another issuer', async () => {
      expect401(await http(discovering).get('/api/t/replay').set(bearer(await sign({ roles: ['admin'] }, { iss: 'https://evil.example/realms/obs' }))), 'wrong_issuer', /autre fournisseur/);
    });

    it('refuses a token without expiry', async () => {
      const token = await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).setIssuer(provider.issuer).setAudience(AUDIENCE).sign(rsa.privateKey);
      expect401(await http(discovering).get('/api/t/replay').set(bearer(token)), 'missing_claim', /« exp » absente/);
    });

    it('refuses a token signed by an unknown key, and a forged signature under a known kid', async () => {
      expect401(await http(discovering).get('/api/t/replay').set(bearer(await sign({ roles: ['admin'] }, { key: rogue.privateKey, kid: 'rogue-1' }))), 'unknown_key', /clé inconnue/);
      expect401(await http(discovering).get('/api/t/replay').set(bearer(await sign({ roles: ['admin'] }, { key: rogue.privateKey, kid: 'rsa-1' }))), 'bad_signature', /Signature du jeton invalide/);
      const [h, p] = (await sign({ roles: ['ingest'] })).split('.');
      const escalated = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), roles: ['admin'] })).toString('base64url')}.${(await sign({ roles: ['ingest'] })).split('.')[2]}`;
      expect401(await http(discovering).get('/api/t/replay').set(bearer(escalated)), 'bad_signature', /Signature/);
    });

    it('refuses unsigned (alg: none) and symmetric (HS256) tokens', async () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const claims = { iss: provider.issuer, aud: AUDIENCE, sub: 'mallory', roles: ['admin'], exp: now() + 300 };
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
      expect401(await http(discovering).get('/api/t/replay').set(bearer(none)), 'algorithm_not_allowed', /Algorithme de signature refusé/);
      const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' }).sign(new TextEncoder().encode('a shared secret that is long enough!'));
      expect401(await http(discovering).get('/api/t/replay').set(bearer(hs256)), 'algorithm_not_allowed', /Algorithme de signature refusé/);
    });

    it('reads the roles from a nested claim with a prefix, from the configured JWKS URL without discovery', async () => {
      const discoveries = provider.hits['/realms/obs/.well-known/openid-configuration'];
      const admin = await sign({ sub: 'ops', realm_access: { roles: ['offline_access', 'observatoire-admin'] } });
      expect((await http(keycloak).get('/api/t/replay').set(bearer(admin)).expect(200)).body).toEqual({ who: 'ops', roles: ['admin', 'ingest'] });
      const uploader = await sign({ sub: 'etl', realm_access: { roles: ['observatoire-ingest'] } });
      await http(keycloak).post('/api/u/uploads').set(bearer(uploader)).expect(200);
      await http(keycloak).get('/api/t/replay').set(bearer(uploader)).expect(403);
      // without the prefix the role does not count; a top-level `roles` claim is not read
      const unprefixed = await sign({ sub: 'x', roles: ['admin'], realm_access: { roles: ['admin'] } });
      await http(keycloak).post('/api/u/uploads').set(bearer(unprefixed)).expect(403);
      expect(provider.hits['/realms/obs/.well-known/openid-configuration']).toBe(discoveries);
    });

    it('refuses JWTs where OIDC is not configured', async () => {
      const app = await appWith({ OBSERVATOIRE_ADMIN_TOKENS: ADMIN_KEY });
      try {
        expect401(await http(app).get('/api/t/replay').set(bearer(await sign({ roles: ['admin'] }))), 'oidc_not_configured', /OIDC n’est pas configuré/);
      } finally {
        await app.close();
      }
    });

    it('answers 503 when the provider cannot be reached, and recovers once it can', async () => {
      const down = new FakeProvider();
      await down.start();
      const issuer = down.issuer;
      await down.stop();
      const app = await appWith({ OBSERVATOIRE_OIDC_ISSUER: issuer, OBSERVATOIRE_OIDC_AUDIENCE: AUDIENCE });
      const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const res = await http(app).get('/api/t/replay').set(bearer(await sign({ roles: ['admin'] }, { iss: issuer })));
        expect(res.status).toBe(503);
        expect(res.body.message).toMatch(/Fournisseur d’identité OIDC injoignable/);
        expect(errors).toHaveBeenCalledWith(expect.stringContaining('OIDC discovery'));
      } finally {
        errors.mockRestore();
        await app.close();
      }
    });
  });

  describe('API keys', () => {
    it('admin keys reach every route; ingest keys only the upload', async () => {
      const admin = await http(discovering).get('/api/t/replay').set(bearer(ADMIN_KEY)).expect(200);
      expect(admin.body).toEqual({ who: 'api-key:admi…', roles: ['admin', 'ingest'] });
      await http(discovering).post('/api/u/uploads').set(bearer(ADMIN_KEY)).expect(200);
      expect((await http(discovering).post('/api/u/uploads').set(bearer(INGEST_KEY)).expect(200)).body).toEqual({ who: 'api-key:inge…' });
      const res = await http(discovering).get('/api/t/replay').set(bearer(INGEST_KEY)).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });

    it('refuses a wrong key and a missing header', async () => {
      expect401(await http(discovering).get('/api/t/replay').set(bearer(`${ADMIN_KEY}x`)), 'invalid_api_key', /^Clé d’API invalide$/);
      const anonymous = await http(discovering).get('/api/t/replay').expect(401);
      expect(anonymous.body.code).toBe('UNAUTHENTICATED');
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="observatoire"');
      await http(discovering).get('/api/t/replay').set('Authorization', `Basic ${Buffer.from(`a:${ADMIN_KEY}`).toString('base64')}`).expect(401);
    });

    it('keeps the admin surface closed when neither keys nor OIDC are configured', async () => {
      const app = await appWith({});
      try {
        await http(app).get('/api/t/replay').expect(401);
        expect401(await http(app).post('/api/u/uploads').set(bearer('anything')), 'admin_closed', /Administration fermée/);
        expect401(await http(app).get('/api/t/replay').set(bearer(await sign({ roles: ['admin'] }))), 'admin_closed', /Administration fermée/);
      } finally {
        await app.close();
      }
    });
  });
});
