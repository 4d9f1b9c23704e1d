import { defaultTerritoryReference } from './territory-reference';
import { CollectivitiesReferenceSource, readCollectivitiesReference } from './collectivities-reference.source';
import { classifyIdentifier } from '../../domain/identifier';
import { decideProfile } from '../../domain/organisation-profile';
import { territoryOf } from '../../domain/territory';
import type { SqlEntityManager } from '@mikro-orm/knex';

const reference = readCollectivitiesReference();
const source = new CollectivitiesReferenceSource(reference);
const em = {} as SqlEntityManager;

async function profileOf(id: string) {
  const identifier = classifyIdentifier(id, 'SIRET');
  const answer = (await source.lookup(em, [identifier])).get(identifier.id)!;
  return decideProfile({
    identifier,
    verdicts: [{ origin: source.origin, answer }],
    enrichment: null,
    territoryOf: (code) => territoryOf(code, defaultTerritoryReference()),
    resolvedAt: '2026-01-01T00:00:00Z',
  });
}

describe('communes and EPCI placed by the DGCL reference, without SIRENE', () => {
  it('places Lorient Agglomération (an EPCI buyer) in itself, Morbihan, Bretagne', async () => {
    expect(await profileOf('20004217400019')).toMatchObject({
      status: 'resolved',
      origin: 'dgcl-collectivites',
      nom: 'CA Lorient Agglomération',
      typeOrganisation: 'epci',
      categorieJuridique: '7348',
      communeCode: null,
      epciSiren: '200042174',
      departementCode: '56',
      regionCode: '53',
    });
  });

  it('places a commune buyer (Lorient, by its SIRET) in its commune and its EPCI', async () => {
    expect(await profileOf('21560121200016')).toMatchObject({
      status: 'resolved',
      typeOrganisation: 'commune',
      communeCode: '56121',
      communeNom: 'Lorient',
      epciSiren: '200042174',
      departementCode: '56',
      regionCode: '53',
    });
  });

  it('knows nothing of companies', async () => {
    const identifier = classifyIdentifier('44306184100047', 'SIRET');
    expect((await source.lookup(em, [identifier])).get(identifier.id)).toEqual({ kind: 'not-found' });
  });

  it('covers every commune and EPCI of the DGCL table', () => {
    const epcis = [...reference.bySiren.values()].filter((c) => c.intercommunality).length;
    expect(epcis).toBeGreaterThan(1200);
    expect(reference.bySiren.size - epcis).toBeGreaterThan(34_000);
  });
});
