import { SearchQueryInvalidError } from '../../domain/search.errors';
import { searchQueryFromParams, suggestParamsFrom } from './search-params';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (err instanceof SearchQueryInvalidError) return err.issues;
    throw err;
  }
  throw new Error('expected SearchQueryInvalidError');
}

describe('GET /api/search query string → domain query', () => {
  it('maps French and DECP parameter names onto the domain query', () => {
    const q = searchQueryFromParams({
      q: 'voirie',
      acheteur: '24350013900189',
      typeAcheteur: 'epci',
      departementAcheteur: '29,56',
      acheteurBreton: 'oui',
      categorieTitulaire: ['PME', 'ETI'],
      departementTitulaire: '35',
      cpv: ['45', '71'],
      typeAchat: 'travaux',
      procedure: ["Appel d'offres ouvert", 'Procédure adaptée'],
      dateNotificationMin: '2024-01-01',
      dateNotificationMax: '2024-12-31',
      annee: ['2023,2024', '2022'],
      montantMin: '40000',
      montantMax: '1000000.50',
      considerationSociale: 'true',
      marcheInnovant: 'non',
      sousTraitanceDeclaree: '1',
      offreUnique: 'false',
      tri: 'montant',
      ordre: 'asc',
      limit: '50',
      facettes: 'year,purchaseType',
      surlignage: 'false',
    });
    expect(q).toEqual({
      q: 'voirie',
      filters: {
        buyer: ['24350013900189'],
        buyerType: ['epci'],
        buyerTerritory: { departement: ['29', '56'], bretagne: true },
        supplierCategorie: ['PME', 'ETI'],
        supplierTerritory: { departement: ['35'] },
        cpv: ['45', '71'],
        purchaseType: ['travaux'],
        procedure: ["Appel d'offres ouvert", 'Procédure adaptée'],
        notificationDate: { min: '2024-01-01', max: '2024-12-31' },
        year: [2023, 2024, 2022],
        amount: { min: 40000, max: 1000000.5 },
        considerationSociale: true,
        innovation: false,
        subcontracting: true,
        singleBid: false,
      },
      sort: { field: 'amount', order: 'asc' },
      size: 50,
      facets: ['year', 'purchaseType'],
      highlight: false,
    });
  });

  it('gives the domain defaults when no parameter is sent', () => {
    expect(searchQueryFromParams({})).toEqual({
      filters: {},
      sort: { field: 'relevance', order: 'desc' },
      size: 20,
      facets: ['purchaseType', 'cpvDivision', 'buyerDepartement', 'buyerType', 'supplierCategorie', 'procedure', 'year'],
      highlight: true,
    });
  });

  it('accepts "facettes=" or "facettes=aucune" for no facet at all, and English sort names', () => {
    expect(searchQueryFromParams({ facettes: '' }).facets).toEqual([]);
    expect(searchQueryFromParams({ facettes: 'aucune' }).facets).toEqual([]);
    expect(searchQueryFromParams({ tri: 'pertinence' }).sort.field).toBe('relevance');
    expect(searchQueryFromParams({ tri: 'amount' }).sort.field).toBe('amount');
  });

  it('keeps a comma inside a procedure label (labels are repeated, not comma-separated)', () => {
    expect(searchQueryFromParams({ procedure: 'Procédure A, variante' }).filters.procedure).toEqual(['Procédure A, variante']);
  });

  it('names the query parameter in every problem, all problems at once', () => {
    const issues = issuesOf(() =>
      searchQueryFromParams({ montantMin: 'beaucoup', tri: 'prix', acheteur: '123', limit: '500', typo: 'x', dateNotificationMin: ['2024-01-01', '2024-02-01'] }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(['dateNotificationMin', 'montantMin', 'tri', 'typo']);
    expect(issues.find((i) => i.path === 'montantMin')!.message).toMatch(/montant positif en euros attendu/);
    expect(issues.find((i) => i.path === 'dateNotificationMin')!.message).toBe('given more than once');
    expect(issues.find((i) => i.path === 'typo')!.message).toMatch(/paramètre inconnu \(paramètres possibles : q, acheteur/);
  });

  it('maps the domain validation back to parameter names (SIRET shape, page size, min above max)', () => {
    expect(issuesOf(() => searchQueryFromParams({ acheteur: '123' }))).toEqual([{ path: 'acheteur', message: expect.stringMatching(/SIRET/) }]);
    expect(issuesOf(() => searchQueryFromParams({ limit: '500' }))[0].path).toBe('limit');
    expect(issuesOf(() => searchQueryFromParams({ montantMin: '10', montantMax: '5' }))).toEqual([
      { path: 'montantMin, montantMax', message: 'min must not exceed max' },
    ]);
  });

  it('refuses unknown enumerated values with the accepted ones', () => {
    expect(issuesOf(() => searchQueryFromParams({ categorieTitulaire: 'TPE' }))[0]).toEqual({
      path: 'categorieTitulaire',
      message: 'valeur inconnue « TPE » (attendu : PME, ETI, GE, unknown)',
    });
    expect(issuesOf(() => searchQueryFromParams({ facettes: 'montant' }))[0].path).toBe('facettes');
  });

  it('takes several notification years (the year facet) as numbers, and names annee when one is not a year', () => {
    expect(searchQueryFromParams({ annee: '2024' }).filters.year).toEqual([2024]);
    expect(searchQueryFromParams({ annee: ['2023', '2024'] }).filters.year).toEqual([2023, 2024]);
    expect(issuesOf(() => searchQueryFromParams({ annee: '2024,24' }))).toEqual([{ path: 'annee', message: 'année à 4 chiffres attendue, comme 2024, et non « 24 »' }]);
    expect(issuesOf(() => searchQueryFromParams({ annee: '1850' }))).toEqual([{ path: 'annee', message: 'year: 1900 to 2099' }]);
  });

  it('refuses nested objects an extended query parser would produce', () => {
    expect(issuesOf(() => searchQueryFromParams({ acheteur: { $ne: 'x' } }))[0].message).toMatch(/valeurs simples attendues/);
  });
});

describe('GET /api/search/organisations query string', () => {
  it('reads q and limit', () => {
    expect(suggestParamsFrom({ q: 'renn', limit: '5' })).toEqual({ prefix: 'renn', limit: 5 });
  });

  it('requires q and refuses other parameters', () => {
    expect(issuesOf(() => suggestParamsFrom({ limit: '5', x: '1' })).map((i) => i.path).sort()).toEqual(['q', 'x']);
  });
});
