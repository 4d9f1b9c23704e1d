/**
 * Why a feed pull failed, in the words an operator reads on the administration page (French). Node's fetch
 * (undici) says "fetch failed" and hides the reason in `cause` (a system or TLS error code): it is named here.
 */

const TLS_CODES: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'certificat expiré',
  CERT_NOT_YET_VALID: 'certificat pas encore valide',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificat auto-signé',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificat auto-signé dans la chaîne',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'autorité de certification inconnue',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'autorité de certification inconnue',
  ERR_TLS_CERT_ALTNAME_INVALID: 'le certificat ne correspond pas au nom du serveur',
  CERT_REVOKED: 'certificat révoqué',
};

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'serveur injoignable (connexion refusée)',
  ENOTFOUND: 'serveur injoignable (nom de domaine inconnu)',
  EAI_AGAIN: 'serveur injoignable (nom de domaine non résolu, réseau absent ?)',
  EHOSTUNREACH: 'serveur injoignable (hôte inaccessible)',
  ENETUNREACH: 'serveur injoignable (réseau inaccessible)',
  ETIMEDOUT: 'serveur injoignable (délai de connexion dépassé)',
  UND_ERR_CONNECT_TIMEOUT: 'serveur injoignable (délai de connexion dépassé)',
  ECONNRESET: 'connexion interrompue par le serveur',
  UND_ERR_SOCKET: 'connexion interrompue par le serveur',
  EPIPE: 'connexion interrompue par le serveur',
  UND_ERR_HEADERS_TIMEOUT: 'le serveur n’a pas répondu à temps',
  UND_ERR_BODY_TIMEOUT: 'le serveur a cessé d’envoyer le fichier',
};

/** An HTTP answer that is not a file: the status, what it means, and the status line for the record. */
export function httpFailureReason(status: number, statusText = ''): string {
  const line = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  if (status === 404 || status === 410) return `${status} : fichier introuvable à cette adresse (${line})`;
  if (status === 401 || status === 403) return `${status} : accès refusé, jeton absent ou invalide (${line})`;
  if (status === 429) return `429 : trop de requêtes, le serveur demande d’attendre (${line})`;
  if (status >= 500) return `${status} : erreur du serveur (${line})`;
  return `${status} : réponse inattendue (${line})`;
}

function codeOf(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** The reason of a failed pull in French: network and TLS causes named, other messages kept as they are. */
export function pullFailureReason(error: unknown): string {
  const err = error as Error & { cause?: unknown };
  const causes = [err, err?.cause, (err?.cause as { cause?: unknown } | undefined)?.cause];
  for (const c of causes) {
    const code = codeOf(c);
    if (code && TLS_CODES[code]) return `certificat invalide : ${TLS_CODES[code]} (${code})`;
    if (code && NETWORK_CODES[code]) return `${NETWORK_CODES[code]} (${code})`;
  }
  const message = err?.message || String(error);
  if (message === 'fetch failed') {
    const inner = (err?.cause as Error | undefined)?.message;
    return inner ? `serveur injoignable : ${inner}` : 'serveur injoignable';
  }
  if (/^Invalid URL|Failed to parse URL/i.test(message)) return `adresse invalide : ${message}`;
  return message;
}
