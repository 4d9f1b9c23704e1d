import { dimensionKey, filterFacts, groupFacts } from './dimensions';
import { buyer, fact } from './testing/builders';

const ouessant = buyer({ siren: '212901557', territory: { communeCode: '29155', epciSiren: null, epciKey: 'commune:29155', departementCode: '29', regionCode: '53' } });
const nantes = buyer({ siren: '214401093', type: 'commune', territory: { communeCode: '44109', epciSiren: '244400404', epciKey: '244400404', departementCode: '44', regionCode: '52' } });
const nowhere = buyer({ siren: null, id: 'X-1', type: 'unknown', territory: { communeCode: null, epciSiren: null, epciKey: null, departementCode: null, regionCode: null } });

describe('dimensions', () => {
  const rennes = fact({ year: 2024, cpvDivision: '45', purchaseType: 'travaux' });
  const island = fact({ buyer: ouessant, year: 2023, cpvDivision: '71', purchaseType: 'services' });
  const loire = fact({ buyer: nantes, year: 2024, cpvDivision: null, purchaseType: 'unknown' });
  const lost = fact({ buyer: nowhere, year: null });

  it.each([
    ['buyer', ['213502388', '212901557', '214401093', 'X-1']],
    ['buyerType', ['commune', 'commune', 'commune', 'unknown']],
    ['epci', ['243500139', 'commune:29155', '244400404', 'unknown']],
    ['departement', ['35', '29', '44', 'unknown']],
    ['bretagne', ['bretagne', 'bretagne', 'hors-bretagne', 'unknown']],
    ['cpvDivision', ['45', '71', 'unknown', '45']],
    ['purchaseType', ['travaux', 'services', 'unknown', 'travaux']],
    ['year', ['2024', '2023', '2024', 'unknown']],
  ] as const)('keys contracts on %s, with an explicit unknown', (dimension, keys) => {
    expect([rennes, island, loire, lost].map((f) => dimensionKey(f, dimension))).toEqual(keys);
  });

  it('groups facts by key in first-seen order', () => {
    const groups = groupFacts([rennes, island, loire, lost], 'year');
    expect([...groups.keys()]).toEqual(['2024', '2023', 'unknown']);
    expect(groups.get('2024')).toEqual([rennes, loire]);
  });

  it('filters on several dimensions, each accepting one or several keys', () => {
    expect(filterFacts([rennes, island, loire, lost], { bretagne: 'bretagne', year: [2023, 2024] })).toEqual([rennes, island]);
    expect(filterFacts([rennes, island, loire, lost], { departement: ['29', 'unknown'] })).toEqual([island, lost]);
    expect(filterFacts([rennes, island], {})).toEqual([rennes, island]);
  });
});
