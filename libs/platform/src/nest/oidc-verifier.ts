import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { OidcConfig } from '../config/config';
import { AuthenticationFailure, IdentityProviderUnavailable } from './auth-errors';
import { expandRoles, isRole, type Principal, type Role } from './roles';

/** Asymmetric algorithms only: a symmetric (HS*) or unsigned (`none`) token is never accepted. */
export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

/** Tolerated clock skew with the provider, on `exp` and `nbf`. */
export const OIDC_CLOCK_TOLERANCE_SECONDS = 30;

/** Compact JWS: three base64url segments whose first one is a JSON header with an `alg`. Anything else is an API key. */
export function looksLikeJwt(token: string): boolean {
  if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) return false;
  try {
    return typeof decodeProtectedHeader(token).alg === 'string';
  } catch {
    return false;
  }
}

export interface OidcVerifierOptions {
  /** Time limit of the discovery and JWKS requests. */
  timeoutMs?: number;
}

/**
 * Verifies OIDC access tokens: signature against the provider's JWKS (fetched, cached and refreshed
 * on an unknown `kid` by jose: key rotation), `iss`, `aud`, `exp`/`nbf` with a small tolerance, and
 * reads the roles from the configured claim. One instance per process (the JWKS cache lives here).
 */
export class OidcVerifier {
  private keySet: Promise<JWTVerifyGetKey> | null = null;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: OidcConfig,
    options: OidcVerifierOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  async verify(token: string): Promise<Principal> {
    const keys = await this.keys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: [...OIDC_ALGORITHMS],
        clockTolerance: OIDC_CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      throw rejection(e);
    }
    const subject = [payload.sub, payload.azp, payload.client_id].find((v): v is string => typeof v === 'string' && v !== '') ?? 'oidc:inconnu';
    return { subject, via: 'oidc', roles: expandRoles(rolesOf(payload, this.config)) };
  }

  /** The provider's key set: the configured JWKS URL, or the `jwks_uri` of its discovery document (retried after a failure). */
  private keys(): Promise<JWTVerifyGetKey> {
    if (this.keySet) return this.keySet;
    const pending = (async () => {
      const url = this.config.jwksUrl ? new URL(this.config.jwksUrl) : await this.discoverJwksUri();
      return createRemoteJWKSet(url, { timeoutDuration: this.timeoutMs });
    })();
    this.keySet = pending;
    pending.catch(() => {
      if (this.keySet === pending) this.keySet = null;
    });
    return pending;
  }

  private async discoverJwksUri(): Promise<URL> {
    const url = `${this.config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let doc: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      doc = (await res.json()) as typeof doc;
    } catch (e) {
      throw new IdentityProviderUnavailable(`OIDC discovery ${url} failed: ${(e as Error).message}`, { cause: e });
    }
    // OpenID Connect Discovery 1.0 §4.3: the document's issuer must be the one configured.
    if (doc?.issuer !== this.config.issuer) throw new IdentityProviderUnavailable(`OIDC discovery ${url}: issuer ${JSON.stringify(doc?.issuer)} is not ${this.config.issuer}`);
    if (typeof doc.jwks_uri !== 'string') throw new IdentityProviderUnavailable(`OIDC discovery ${url}: no jwks_uri`);
    try {
      return new URL(doc.jwks_uri);
    } catch {
      throw new IdentityProviderUnavailable(`OIDC discovery ${url}: invalid jwks_uri ${doc.jwks_uri}`);
    }
  }
}

/** The roles of the claim (dotted path; an array or a space-separated string), prefix filtered and removed, unknown ones ignored. */
export function rolesOf(payload: JWTPayload, config: Pick<OidcConfig, 'rolesClaim' | 'rolePrefix'>): Role[] {
  const value = claimAt(payload, config.rolesClaim);
  const names = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? value.split(/\s+/) : [];
  const prefix = config.rolePrefix;
  return names.flatMap((n) => (prefix === null ? [n] : n.startsWith(prefix) ? [n.slice(prefix.length)] : [])).filter(isRole);
}

/** A top-level claim of that exact name (namespaced claims such as `https://example.org/roles`), else the dotted path. */
function claimAt(payload: JWTPayload, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let current: unknown = payload;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** jose's verdict → why the token is refused (401), or the provider's failure (503). */
function rejection(e: unknown): Error {
  if (e instanceof errors.JWTExpired) return new AuthenticationFailure('expired', 'Jeton expiré (exp)');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.reason === 'missing') return new AuthenticationFailure('missing_claim', `Jeton refusé : revendication « ${e.claim} » absente`);
    switch (e.claim) {
      case 'iss':
        return new AuthenticationFailure('wrong_issuer', 'Jeton émis par un autre fournisseur d’identité (iss)');
      case 'aud':
        return new AuthenticationFailure('wrong_audience', 'Jeton destiné à une autre audience (aud)');
      case 'nbf':
      case 'iat':
        return new AuthenticationFailure('not_yet_valid', `Jeton pas encore valide (${e.claim})`);
      default:
        return new AuthenticationFailure('invalid_claim', `Jeton refusé : revendication « ${e.claim} » invalide`);
    }
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) return new AuthenticationFailure('bad_signature', 'Signature du jeton invalide');
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthenticationFailure('unknown_key', 'Jeton signé par une clé inconnue du fournisseur d’identité (kid)');
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return new AuthenticationFailure('algorithm_not_allowed', `Algorithme de signature refusé (acceptés : ${OIDC_ALGORITHMS.join(', ')})`);
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid || e instanceof errors.JOSENotSupported) {
    return new AuthenticationFailure('malformed_token', 'Jeton mal formé');
  }
  // JWKS unreachable, timed out, not JSON, not a key set.
  return new IdentityProviderUnavailable(`OIDC JWKS failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
