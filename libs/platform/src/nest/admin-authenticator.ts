import { createHash, timingSafeEqual } from 'node:crypto';
import type { ObservatoireConfig } from '../config/config';
import { AuthenticationFailure } from './auth-errors';
import { looksLikeJwt, OidcVerifier, type OidcVerifierOptions } from './oidc-verifier';
import { expandRoles, type Principal, type Role } from './roles';

interface ApiKey {
  digest: Buffer;
  role: Role;
  subject: string;
}

/**
 * Who is calling the admin and upload surface: `Authorization: Bearer <token>` where the token is an
 * OIDC access token (a JWT, verified by `OidcVerifier`) or an API key (`OBSERVATOIRE_ADMIN_TOKENS`:
 * role `admin`; `OBSERVATOIRE_INGEST_TOKENS`: role `ingest`). One per process (provided by
 * PlatformModule): it holds the provider's JWKS cache.
 */
export class AdminAuthenticator {
  private readonly keys: ApiKey[];

  constructor(
    keys: { admin: readonly string[]; ingest: readonly string[] },
    private readonly oidc: OidcVerifier | null,
  ) {
    const entries = (list: readonly string[], role: Role) => list.map((k) => ({ digest: sha256(k), role, subject: `api-key:${k.slice(0, 4)}…` }));
    this.keys = [...entries(keys.admin, 'admin'), ...entries(keys.ingest, 'ingest')];
  }

  static fromConfig(config: Pick<ObservatoireConfig, 'adminTokens' | 'ingestTokens' | 'oidc'>, options: OidcVerifierOptions = {}): AdminAuthenticator {
    return new AdminAuthenticator({ admin: config.adminTokens, ingest: config.ingestTokens }, config.oidc ? new OidcVerifier(config.oidc, options) : null);
  }

  /** Neither API keys nor OIDC: the admin surface is closed. */
  get closed(): boolean {
    return this.keys.length === 0 && this.oidc === null;
  }

  /** Throws `AuthenticationFailure` (401) or `IdentityProviderUnavailable` (503). */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!m) throw new AuthenticationFailure('missing_credentials', 'Authentification requise (Authorization: Bearer <clé d’API ou jeton OIDC>)');
    if (this.closed) throw new AuthenticationFailure('admin_closed', 'Administration fermée : aucune clé d’API ni fournisseur OIDC n’est configuré sur ce service');
    const token = m[1].trim();
    if (looksLikeJwt(token)) {
      if (!this.oidc) throw new AuthenticationFailure('oidc_not_configured', 'Jeton OIDC refusé : OIDC n’est pas configuré sur ce service (OBSERVATOIRE_OIDC_ISSUER)');
      return this.oidc.verify(token);
    }
    return this.apiKey(token);
  }

  /** Constant time: digests of equal length, every key compared. */
  private apiKey(token: string): Principal {
    const given = sha256(token);
    const roles: Role[] = [];
    let subject: string | null = null;
    for (const key of this.keys) {
      if (timingSafeEqual(key.digest, given)) {
        roles.push(key.role);
        subject ??= key.subject;
      }
    }
    if (subject === null) throw new AuthenticationFailure('invalid_api_key', 'Clé d’API invalide');
    return { subject, via: 'api-key', roles: expandRoles(roles) };
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
