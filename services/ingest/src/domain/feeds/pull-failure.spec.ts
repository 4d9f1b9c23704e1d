import { httpFailureReason, pullFailureReason } from './pull-failure';

const fetchFailed = (code: string, message = code) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });

describe('why a feed pull failed, in French', () => {
  it.each([
    ['ECONNREFUSED', 'serveur injoignable (connexion refusée) (ECONNREFUSED)'],
    ['ENOTFOUND', 'serveur injoignable (nom de domaine inconnu) (ENOTFOUND)'],
    ['UND_ERR_CONNECT_TIMEOUT', 'serveur injoignable (délai de connexion dépassé) (UND_ERR_CONNECT_TIMEOUT)'],
    ['CERT_HAS_EXPIRED', 'certificat invalide : certificat expiré (CERT_HAS_EXPIRED)'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'certificat invalide : certificat auto-signé (DEPTH_ZERO_SELF_SIGNED_CERT)'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'certificat invalide : le certificat ne correspond pas au nom du serveur (ERR_TLS_CERT_ALTNAME_INVALID)'],
  ])('names the cause %s of Node’s "fetch failed"', (code, reason) => {
    expect(pullFailureReason(fetchFailed(code))).toBe(reason);
  });

  it('says « serveur injoignable » for a "fetch failed" without a known code, with the inner message', () => {
    expect(pullFailureReason(Object.assign(new TypeError('fetch failed'), { cause: new Error('other side closed') }))).toBe('serveur injoignable : other side closed');
  });

  it('keeps the project’s own French messages (timeout, missing token) as they are', () => {
    expect(pullFailureReason(new Error('délai dépassé (1000 ms)'))).toBe('délai dépassé (1000 ms)');
  });

  it.each([
    [404, 'Not Found', '404 : fichier introuvable à cette adresse (HTTP 404 Not Found)'],
    [403, '', '403 : accès refusé, jeton absent ou invalide (HTTP 403)'],
    [500, 'Internal Server Error', '500 : erreur du serveur (HTTP 500 Internal Server Error)'],
  ])('says what HTTP %i means, keeping the status line', (status, text, reason) => {
    expect(httpFailureReason(status, text)).toBe(reason);
  });
});
