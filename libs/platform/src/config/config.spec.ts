import { assertServicesConfigured, ConfigError, loadConfig } from './config';

describe('typed configuration that fails fast', () => {
  it('defaults everything under the data directory in the embedded profile', () => {
    const c = loadConfig({ OBSERVATOIRE_DATA_DIR: '/srv/obs' });
    expect(c.profile).toBe('embedded');
    expect(c.databases.catalog).toBe('sqlite:/srv/obs/catalog.db');
    expect(c.search).toEqual({ embedded: '/srv/obs/search.db', indexPrefix: 'observatoire', readers: 2 });
    expect(c.kafka).toBeNull();
  });

  it('refuses the distributed profile without Kafka instead of falling back to the embedded log', () => {
    expect(() => loadConfig({ OBSERVATOIRE_PROFILE: 'distributed' })).toThrow(/KAFKA_BROKERS is required/);
  });

  it('asks a distributed service for its own store only', () => {
    const env = { OBSERVATOIRE_PROFILE: 'distributed', KAFKA_BROKERS: 'k:9092', CATALOG_DATABASE_URL: 'postgres://c' };
    const c = loadConfig(env);
    expect(() => assertServicesConfigured(env, c, ['catalog'])).not.toThrow();
    expect(() => assertServicesConfigured(env, c, ['search', 'analytics'])).toThrow(ConfigError);
    try {
      assertServicesConfigured(env, c, ['search', 'analytics']);
    } catch (e) {
      expect((e as ConfigError).problems).toEqual([
        'SEARCH_URL is required by the search service in the distributed profile',
        'ANALYTICS_DATABASE_URL is required by the analytics service in the distributed profile',
      ]);
    }
  });

  it('gives search its own rate limit, configurable apart from the public API', () => {
    expect(loadConfig({}).searchRateLimit).toEqual({ capacity: 60, refillPerSecond: 10 });
    const c = loadConfig({ SEARCH_RATE_LIMIT_BURST: '500', SEARCH_RATE_LIMIT_PER_SECOND: '250', PUBLIC_RATE_LIMIT_BURST: '7' });
    expect(c.searchRateLimit).toEqual({ capacity: 500, refillPerSecond: 250 });
    expect(c.publicRateLimit.capacity).toBe(7);
    expect(() => loadConfig({ SEARCH_RATE_LIMIT_BURST: '0' })).toThrow(/SEARCH_RATE_LIMIT_BURST/);
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'abc', SEARCH_URL: 'not a url' })).toThrow(/PORT[\s\S]*SEARCH_URL/);
  });

  it('requires credentials with a SASL mechanism', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toThrow(/KAFKA_SASL_USERNAME/);
  });

  it('reads admin and ingest API keys, and OIDC only when the issuer is given', () => {
    const keys = loadConfig({ OBSERVATOIRE_ADMIN_TOKENS: ' a1 , a2,', OBSERVATOIRE_INGEST_TOKENS: 'i1' });
    expect(keys.adminTokens).toEqual(['a1', 'a2']);
    expect(keys.ingestTokens).toEqual(['i1']);
    expect(keys.oidc).toBeNull();
    const oidc = loadConfig({ OBSERVATOIRE_OIDC_ISSUER: 'https://sso.example/realms/obs', OBSERVATOIRE_OIDC_AUDIENCE: 'observatoire, account' });
    expect(oidc.oidc).toEqual({ issuer: 'https://sso.example/realms/obs', audience: ['observatoire', 'account'], jwksUrl: null, rolesClaim: 'roles', rolePrefix: null });
    expect(oidc.adminTokens).toEqual([]);
  });

  it('fails fast on an incomplete OIDC configuration', () => {
    expect(() => loadConfig({ OBSERVATOIRE_OIDC_ISSUER: 'https://sso.example/realms/obs' })).toThrow(/OBSERVATOIRE_OIDC_AUDIENCE is required/);
    expect(() => loadConfig({ OBSERVATOIRE_OIDC_AUDIENCE: 'observatoire', OBSERVATOIRE_OIDC_ROLES_CLAIM: 'realm_access.roles' })).toThrow(
      /OBSERVATOIRE_OIDC_AUDIENCE needs OBSERVATOIRE_OIDC_ISSUER[\s\S]*OBSERVATOIRE_OIDC_ROLES_CLAIM needs/,
    );
    expect(() => loadConfig({ OBSERVATOIRE_OIDC_ISSUER: 'not a url', OBSERVATOIRE_OIDC_AUDIENCE: 'x' })).toThrow(/OBSERVATOIRE_OIDC_ISSUER/);
    expect(() => loadConfig({ OBSERVATOIRE_OIDC_ISSUER: 'https://sso.example', OBSERVATOIRE_OIDC_AUDIENCE: 'x', OBSERVATOIRE_OIDC_JWKS_URL: 'certs' })).toThrow(/OBSERVATOIRE_OIDC_JWKS_URL/);
  });
});

describe('ingest ledger lock waits', () => {
  it('default to 10 min for runs and 30 s for uploads, and are read in seconds from the environment', () => {
    expect(loadConfig({}).ingestLock).toEqual({ waitMs: 600_000, uploadWaitMs: 30_000 });
    expect(loadConfig({ INGEST_LOCK_WAIT_SECONDS: '120', INGEST_UPLOAD_LOCK_WAIT_SECONDS: '5' }).ingestLock).toEqual({ waitMs: 120_000, uploadWaitMs: 5_000 });
    expect(() => loadConfig({ INGEST_LOCK_WAIT_SECONDS: '-1' })).toThrow(/INGEST_LOCK_WAIT_SECONDS/);
  });
});
