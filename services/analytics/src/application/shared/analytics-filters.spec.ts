import { DomainError } from '@observatoire/platform';
import { FiltersQuery, parseQuery, querySchema, toFilters, IndicatorKeyParam } from './analytics-filters';

const parse = (q: Record<string, unknown>) => toFilters(parseQuery(FiltersQuery, q));
const problem = (schema: Parameters<typeof parseQuery>[0], q: Record<string, unknown>) => {
  try {
    parseQuery(schema, q);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('INVALID_PARAMETER');
    expect((e as DomainError).httpStatus).toBe(400);
    return (e as DomainError).message;
  }
  throw new Error('expected INVALID_PARAMETER');
};

describe('the analytics filter vocabulary', () => {
  it('reads every filter word', () => {
    expect(parse({ acheteur: '21350238800014', typeAcheteur: 'commune', territoire: 'epci:200042174', cpv: '4521', typeAchat: 'travaux', annee: '2024', coTraitance: 'mandataire' })).toEqual({
      acheteur: '21350238800014',
      typeAcheteur: 'commune',
      territoire: { level: 'epci', code: '200042174' },
      cpv: '4521',
      typeAchat: 'travaux',
      annee: 2024,
      coTraitance: 'mandataire',
    });
    expect(parse({ territoire: 'bretagne', du: '2024-01-01', au: '2024-12-31' })).toEqual({ territoire: { level: 'bretagne', code: '53' }, du: '2024-01-01', au: '2024-12-31', coTraitance: 'partage' });
    expect(parse({ territoire: 'departement:2A' }).territoire).toEqual({ level: 'departement', code: '2A' });
    expect(parse({ territoire: 'region:53' }).territoire).toEqual({ level: 'region', code: '53' });
  });

  it.each([
    [{ acheteur: '123' }, 'acheteur : un SIRET (14 chiffres) ou un SIREN (9 chiffres)'],
    [{ territoire: 'commune:35238' }, 'territoire attendu'],
    [{ cpv: '45%' }, 'cpv : un préfixe de code CPV'],
    [{ typeAchat: 'travail' }, 'typeAchat : travaux, fournitures, services'],
    [{ annee: '2024', du: '2024-01-01' }, 'annee ne se combine pas avec du/au'],
    [{ du: '2024-02-30' }, 'date inexistante'],
    [{ du: '2024-05-01', au: '2024-01-01' }, 'du doit précéder au'],
    [{ coTraitance: 'lead' }, 'coTraitance : partage ou mandataire'],
    [{ annees: '2024' }, 'paramètre(s) inconnu(s) : annees'],
    [{ cpv: ['45', '72'] }, 'cpv : une seule valeur attendue'],
  ])('refuses %j with a clear message', (query, message) => {
    expect(problem(FiltersQuery, query)).toContain(message);
  });

  it('names the valid indicator keys when one is wrong', () => {
    expect(problem(querySchema({ indicator: IndicatorKeyParam }), { indicator: 'pme' })).toContain('indicator : une des clés sme-share');
  });
});
