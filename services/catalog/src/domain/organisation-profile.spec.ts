import type { OrganisationEnrichment } from './catalog-records';
import { classifyIdentifier } from './identifier';
import { decideProfile, type SireneFacts, type SourceVerdict } from './organisation-profile';
import type { Territory } from './territory';

const at = '2026-01-01T00:00:00.000Z';
const rennes: Territory = {
  commune: { code: '35238', nom: 'Rennes' },
  epci: { siren: '243500139', nom: 'Rennes Métropole' },
  departement: { code: '35', nom: 'Ille-et-Vilaine' },
  region: { code: '53', nom: 'Bretagne' },
};
const territoryOf = (code: string | null) => (code === '35238' ? rennes : null);
const facts: SireneFacts = {
  siren: '443061841',
  siret: '44306184100047',
  nom: 'BATI OUEST',
  categorieEntreprise: 'PME',
  trancheEffectifs: '02',
  categorieJuridique: '5710',
  naf: '43.99C',
  communeCode: '35238',
  latitude: 48.1,
  longitude: -1.6,
};
const enrichment: OrganisationEnrichment = { origin: 'decp.info', nom: 'BATI OUEST (decp.info)', categorie: 'PME', communeCode: null, departementCode: '35', regionCode: '53' };
const stock = (answer: SourceVerdict['answer']): SourceVerdict => ({ origin: 'sirene-stock', answer });
const api = (answer: SourceVerdict['answer']): SourceVerdict => ({ origin: 'recherche-entreprises-api', answer });
const siret = classifyIdentifier('44306184100047', 'SIRET');

describe('decideProfile (resolution order and unknown reasons)', () => {
  it.each<[string, ReturnType<typeof classifyIdentifier>, SourceVerdict[], OrganisationEnrichment | null, string, string | null, string]>([
    ['found in the stock', siret, [stock({ kind: 'found', facts })], enrichment, 'resolved', null, 'sirene-stock'],
    ['found by the API after the stock missed', siret, [stock({ kind: 'not-found' }), api({ kind: 'found', facts })], null, 'resolved', null, 'recherche-entreprises-api'],
    ['non-diffusible in the stock (enrichment ignored)', siret, [stock({ kind: 'not-diffusible' })], enrichment, 'unknown', 'NOT_DIFFUSIBLE', 'sirene-stock'],
    ['missing everywhere, API offline, enrichment present', siret, [stock({ kind: 'not-found' }), api({ kind: 'unavailable', reason: 'OFFLINE', detail: '' })], enrichment, 'resolved', null, 'decp.info'],
    ['missing everywhere, API offline, no enrichment', siret, [stock({ kind: 'not-found' }), api({ kind: 'unavailable', reason: 'OFFLINE', detail: '' })], null, 'unknown', 'OFFLINE', 'none'],
    ['missing everywhere, API failing', siret, [stock({ kind: 'not-found' }), api({ kind: 'unavailable', reason: 'API_ERROR', detail: '' })], null, 'unknown', 'API_ERROR', 'none'],
    ['missing everywhere, API up', siret, [stock({ kind: 'not-found' }), api({ kind: 'not-found' })], null, 'unknown', 'NOT_FOUND', 'none'],
    ['a foreign id', classifyIdentifier('DE811907980', 'TVA'), [], null, 'unknown', 'FOREIGN', 'none'],
    ['an invalid id', classifyIdentifier('00001', 'SIRET'), [], null, 'unknown', 'INVALID_ID', 'none'],
  ])('given %s', (_case, identifier, verdicts, e, status, reason, origin) => {
    const profile = decideProfile({ identifier, verdicts, enrichment: e, territoryOf, resolvedAt: at });
    expect(profile.status).toBe(status);
    expect(profile.unknownReason).toBe(reason);
    expect(profile.origin).toBe(origin);
  });

  it('given stock facts, the profile carries size, TPE proxy and territory', () => {
    const p = decideProfile({ identifier: siret, verdicts: [stock({ kind: 'found', facts })], enrichment: null, territoryOf, resolvedAt: at });
    expect(p).toMatchObject({ categorieEntreprise: 'PME', tpe: true, typeOrganisation: 'autre', epciSiren: '243500139', departementCode: '35', regionCode: '53' });
  });

  it('given an unknown profile, nothing is guessed', () => {
    const p = decideProfile({ identifier: siret, verdicts: [stock({ kind: 'not-diffusible' })], enrichment, territoryOf, resolvedAt: at });
    expect([p.nom, p.categorieEntreprise, p.tpe, p.communeCode, p.departementCode]).toEqual([null, null, null, null, null]);
  });
});
