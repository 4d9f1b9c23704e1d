import { DomainError } from '@observatoire/platform';
import type { FieldProblem } from '../../domain/feeds/feed-rules';

/** Errors of the feed registry, with stable codes (translated to HTTP at the edge). */
export const feedNotFound = (id: string) => new DomainError('FEED_NOT_FOUND', `Flux inconnu : ${id}`, 404);
export const buyerNotFound = (siret: string) => new DomainError('BUYER_NOT_FOUND', `Acheteur inconnu : ${siret}`, 404);
export const feedInvalid = (problems: FieldProblem[]) =>
  new DomainError('FEED_INVALID', problems.map((p) => `${p.field}: ${p.message}`).join('; '), 400, { problems });
export const feedNotPullable = (id: string) => new DomainError('FEED_NOT_PULLABLE', `Le flux ${id} est alimenté par dépôt, il ne se tire pas`, 409);
export const feedNotUpload = (id: string, kind: string) =>
  new DomainError('FEED_NOT_UPLOAD', `Le flux ${id} est collecté par l’observatoire (type ${kind}) : il n’accepte pas de dépôt. Seuls les flux de type « upload » en acceptent.`, 409);
export const feedUploadSourceConflict = (id: string) =>
  new DomainError('FEED_UPLOAD_SOURCE_CONFLICT', `Un dépôt rattaché au flux ${id} a pour source « feed:${id} » : ne donnez pas aussi une autre « source ».`, 400);
export const feedBusy = (id: string) => new DomainError('FEED_BUSY', `Le flux ${id} est déjà en cours de collecte`, 409);
export const feedImportUnsupported = () => new DomainError('FEED_IMPORT_UNSUPPORTED_MEDIA', 'Envoyez le CSV brut (Content-Type: text/csv)', 415);
export const feedImportTooLarge = (limit: number) => new DomainError('FEED_IMPORT_TOO_LARGE', `CSV trop volumineux (${limit} octets au plus)`, 413);
