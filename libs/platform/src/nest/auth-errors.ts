/** Why a request was not authenticated; sent (ASCII) as the `error_description` of `WWW-Authenticate`. */
export type AuthFailureReason =
  | 'missing_credentials'
  | 'admin_closed'
  | 'invalid_api_key'
  | 'oidc_not_configured'
  | 'malformed_token'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'missing_claim'
  | 'invalid_claim'
  | 'bad_signature'
  | 'unknown_key'
  | 'algorithm_not_allowed';

export const AUTH_REALM = 'observatoire';

/** 401: no credentials, or credentials rejected. The message is in French, for the caller. */
export class AuthenticationFailure extends Error {
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'AuthenticationFailure';
  }

  /** RFC 6750 challenge: `error="invalid_token"` once a token was presented and rejected. */
  challenge(): string {
    if (this.reason === 'missing_credentials') return `Bearer realm="${AUTH_REALM}"`;
    return `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="${this.reason}"`;
  }
}

/** 503: the OIDC provider could not be reached or answered nonsense (discovery or JWKS); not the caller's fault. */
export class IdentityProviderUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdentityProviderUnavailable';
  }
}
