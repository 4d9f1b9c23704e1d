import { decodeCursor, effectiveSort, encodeCursor, parseSearchQuery } from './search-query';
import { SearchCursorInvalidError, SearchQueryInvalidError } from './search.errors';

describe('parseSearchQuery', () => {
  it('fills in defaults: relevance, 20 per page, every facet, highlights', () => {
    const q = parseSearchQuery({});
    expect(q).toMatchObject({ filters: {}, sort: { field: 'relevance', order: 'desc' }, size: 20, highlight: true });
    expect(q.facets).toHaveLength(7);
    expect(q.q).toBeUndefined();
  });

  it('accepts one value or a list for multi-valued filters, and yields a list', () => {
    const q = parseSearchQuery({ filters: { purchaseType: 'travaux', cpv: ['45', '4523'], buyerTerritory: { departement: '29' } } });
    expect(q.filters.purchaseType).toEqual(['travaux']);
    expect(q.filters.cpv).toEqual(['45', '4523']);
    expect(q.filters.buyerTerritory?.departement).toEqual(['29']);
  });

  it('strips control characters and treats a blank text as no text', () => {
    expect(parseSearchQuery({ q: 'voirie\u0000\n' }).q).toBe('voirie');
    expect(parseSearchQuery({ q: '   ' }).q).toBeUndefined();
  });

  it('lists every problem with its path', () => {
    try {
      parseSearchQuery({ size: 0, filters: { buyer: 'abc', amount: { min: -1 } }, extra: 1 });
      expect.fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(SearchQueryInvalidError);
      const paths = (e as SearchQueryInvalidError).issues.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['size', 'filters.buyer', 'filters.amount.min', '']));
      expect((e as Error).message).toMatch(/^Recherche invalide : /);
    }
  });

  it('falls back to the most recent first when relevance has no text to rank by', () => {
    expect(effectiveSort(parseSearchQuery({}))).toEqual({ field: 'date', order: 'desc' });
    expect(effectiveSort(parseSearchQuery({ q: 'voirie', sort: { field: 'relevance', order: 'asc' } }))).toEqual({ field: 'relevance', order: 'desc' });
    expect(effectiveSort(parseSearchQuery({ q: 'voirie', sort: { field: 'amount', order: 'asc' } }))).toEqual({ field: 'amount', order: 'asc' });
  });
});

describe('cursors', () => {
  const sort = { field: 'date', order: 'desc' } as const;

  it('round-trip the position for the same engine and sort', () => {
    const c = encodeCursor('es', sort, [1710201600000, 'uid-1']);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('es', sort, c)).toEqual([1710201600000, 'uid-1']);
  });

  it('are refused for another sort, another engine, or when forged', () => {
    const c = encodeCursor('es', sort, [1, 'u']);
    expect(() => decodeCursor('es', { field: 'amount', order: 'desc' }, c)).toThrow(SearchCursorInvalidError);
    expect(() => decodeCursor('sqlite', sort, c)).toThrow(/un autre moteur de recherche/);
    expect(() => decodeCursor('es', sort, 'AAAA')).toThrow(SearchCursorInvalidError);
  });
});
