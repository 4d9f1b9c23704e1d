import { describeNafCpvRule, mapNafToCpv, nafCodesOf, nafKeyOf, parseNaf, type NafCpvWins, type NafQuery } from './naf-cpv-mapping';

const naf = (code: string): NafQuery => parseNaf(code)!;
const row = (nafCode: string, cpv: string, contracts: number, amount = contracts * 10_000): NafCpvWins => ({ naf: nafCode, cpv, contracts, amount });

/**
 * Electricians (43.21A): 100 wins — 60 in building installation (453), 22 in building completion (454),
 * 10 in complete constructions (452), 5 in electrical equipment supplies (316), 2 in architecture (712) and one
 * odd cleaning contract (909).
 */
const ELECTRICIANS: NafCpvWins[] = [
  row('43.21A', '453', 60, 3_000_000),
  row('43.21A', '454', 22, 800_000),
  row('43.21A', '452', 10, 1_200_000),
  row('43.21A', '316', 5, 50_000),
  row('43.21A', '712', 2, 30_000),
  row('43.21A', '909', 1, 5_000),
];
/** Plumbers (43.22A) and one co-contracted contract (also counted for the electricians above in 453). */
const PLUMBERS: NafCpvWins[] = [row('43.22A', '453', 30, 900_000), row('43.22A', '454', 4, 100_000)];
const TABLE = [...ELECTRICIANS, ...PLUMBERS, row('71.12B', '712', 40, 2_000_000)];

describe('NAF codes', () => {
  it.each([
    ['43.21A', { code: '43.21A', key: '4321A', level: 'sous-classe' }],
    ['4321a', { code: '43.21A', key: '4321A', level: 'sous-classe' }],
    [' 43.21 ', { code: '43.21', key: '4321', level: 'classe' }],
    ['43.2', { code: '43.2', key: '432', level: 'groupe' }],
    ['432', { code: '43.2', key: '432', level: 'groupe' }],
    ['43', { code: '43', key: '43', level: 'division' }],
  ])('reads %j as a NAF query', (input, expected) => {
    expect(parseNaf(input)).toEqual(expected);
  });

  it.each(['', 'F', '4', '43.', '43.2A', '43.21AB', '45.2V', '43-21A', '43.21A;', 'abc'])('refuses %j', (input) => {
    expect(parseNaf(input)).toBeNull();
  });

  it('normalises stored codes and ignores what is not a NAF rév. 2 sub-class', () => {
    expect(nafKeyOf('43.21A')).toBe('4321A');
    expect(nafKeyOf('4321a')).toBe('4321A');
    expect(nafKeyOf('452V')).toBeNull();
    expect(nafKeyOf('')).toBeNull();
    expect(nafKeyOf(null)).toBeNull();
  });
});

describe('NAF → CPV mapping derived from the wins', () => {
  it('keeps the most won CPV groups until they cover 80 % of the NAF’s contracts', () => {
    const m = mapNafToCpv(TABLE, naf('43.21A'));
    expect(m.empty).toBeNull();
    expect(m.wins).toEqual({ contracts: 100, amount: 5_085_000 });
    expect(m.codes.map((c) => [c.code, c.contracts])).toEqual([
      ['453', 60],
      ['454', 22],
    ]);
    expect(m.codes[0]).toEqual({ code: '453', contracts: 60, amount: 3_000_000, share: 0.6, amountShare: 3_000_000 / 5_085_000 });
    expect(m.coverage.contracts).toBeCloseTo(0.82, 12);
    expect(m.coverage.amount).toBeCloseTo(3_800_000 / 5_085_000, 12);
    expect(m.candidates).toBe(6);
    expect(m.nafCodes).toEqual(['43.21A']);
  });

  it('accepts the code with or without its dot', () => {
    expect(mapNafToCpv(TABLE, naf('4321A'))).toEqual(mapNafToCpv(TABLE, naf('43.21A')));
    expect(mapNafToCpv([row('4321A', '453', 5)], naf('43.21A')).codes.map((c) => c.code)).toEqual(['453']);
  });

  it('stops exactly at the coverage: a code is not added once the target is reached', () => {
    const exact = [row('43.21A', '453', 80), row('43.21A', '454', 20)];
    expect(mapNafToCpv(exact, naf('43.21A')).codes.map((c) => c.code)).toEqual(['453']);
    expect(mapNafToCpv(exact, naf('43.21A'), { coverage: 0.81 }).codes.map((c) => c.code)).toEqual(['453', '454']);
  });

  it('takes the threshold as a parameter', () => {
    expect(mapNafToCpv(TABLE, naf('43.21A'), { coverage: 0.5 }).codes.map((c) => c.code)).toEqual(['453']);
    expect(mapNafToCpv(TABLE, naf('43.21A'), { coverage: 0.95 }).codes.map((c) => c.code)).toEqual(['453', '454', '452', '316']);
  });

  it('never adds a sector on one odd contract: minimum support, and the coverage reached says so', () => {
    const m = mapNafToCpv(TABLE, naf('43.21A'), { coverage: 1 });
    // 712 (2 wins) and 909 (1 win) are under 3 contracts: left out even though 100 % was asked
    expect(m.codes.map((c) => c.code)).toEqual(['453', '454', '452', '316']);
    expect(m.coverage.contracts).toBeCloseTo(0.97, 12);
    // with no minimum count, the 2 % minimum share still leaves out the single cleaning contract
    expect(mapNafToCpv(TABLE, naf('43.21A'), { coverage: 1, minContracts: 1 }).codes.map((c) => c.code)).toEqual(['453', '454', '452', '316', '712']);
    expect(mapNafToCpv(TABLE, naf('43.21A'), { coverage: 1, minContracts: 1, minShare: 0 }).codes.map((c) => c.code)).toEqual(['453', '454', '452', '316', '712', '909']);
    // the minimum share applies too: 5 wins out of 100 are under 6 %
    expect(mapNafToCpv(TABLE, naf('43.21A'), { coverage: 1, minShare: 0.06 }).codes.map((c) => c.code)).toEqual(['453', '454', '452']);
  });

  it('ranks equal counts by amount, then by code', () => {
    const m = mapNafToCpv([row('43.21A', '454', 10, 100), row('43.21A', '453', 10, 200), row('43.21A', '452', 10, 200)], naf('43.21A'), { coverage: 1 });
    expect(m.codes.map((c) => c.code)).toEqual(['452', '453', '454']);
  });

  it('maps a NAF prefix (division, group, class) by adding up the wins of its codes', () => {
    const m = mapNafToCpv(TABLE, naf('43.2'));
    expect(m.nafCodes).toEqual(['43.21A', '43.22A']);
    expect(m.wins.contracts).toBe(134);
    expect(m.codes.map((c) => [c.code, c.contracts])).toEqual([
      ['453', 90],
      ['454', 26],
    ]);
    expect(mapNafToCpv(TABLE, naf('43')).wins.contracts).toBe(134);
    expect(mapNafToCpv(TABLE, naf('43.22')).codes.map((c) => c.code)).toEqual(['453']);
  });

  it('counts each titulaire of a groupement for its own NAF code', () => {
    // one contract in 453 co-won by an electrician and a plumber is a row of each code in the table
    const table = [row('43.21A', '453', 3), row('43.22A', '453', 1), row('43.22A', '454', 3)];
    expect(mapNafToCpv(table, naf('43.21A')).wins.contracts).toBe(3);
    expect(mapNafToCpv(table, naf('43.22A'), { coverage: 1, minContracts: 1 }).codes.map((c) => [c.code, c.contracts])).toEqual([
      ['454', 3],
      ['453', 1],
    ]);
  });

  it('maps to CPV divisions when asked', () => {
    const m = mapNafToCpv(TABLE, naf('43.21A'), { level: 'division' });
    expect(m.codes).toEqual([{ code: '45', contracts: 92, amount: 5_000_000, share: 0.92, amountShare: 5_000_000 / 5_085_000 }]);
    expect(m.candidates).toBe(4);
  });

  it('answers empty, in French, when no supplier with that NAF won a contract', () => {
    const m = mapNafToCpv(TABLE, naf('56.10A'));
    expect(m.codes).toEqual([]);
    expect(m.wins).toEqual({ contracts: 0, amount: 0 });
    expect(m.coverage).toEqual({ contracts: null, amount: null });
    expect(m.empty?.reason).toBe('NO_WIN');
    expect(m.empty?.message).toContain('Aucun marché n’a été remporté par une entreprise de code NAF 56.10A');
    expect(m.empty?.message).toContain('division 56');
    expect(mapNafToCpv([], naf('43')).empty?.reason).toBe('NO_WIN');
  });

  it('answers empty when no CPV code has the minimum support', () => {
    const m = mapNafToCpv([row('43.21A', '453', 2), row('43.21A', '712', 1)], naf('43.21A'));
    expect(m.codes).toEqual([]);
    expect(m.wins.contracts).toBe(3);
    expect(m.empty?.reason).toBe('INSUFFICIENT_SUPPORT');
    expect(m.empty?.message).toContain('ont remporté 3 marchés, et aucun code CPV n’en réunit au moins 3');
  });

  it('ignores rows that cannot be placed (NAF rév. 1 codes, no CPV group, no contract)', () => {
    const m = mapNafToCpv([row('45.2V', '453', 10), row('43.21A', '4', 10), row('43.21A', '453', 0), row('43.21A', '454', 4)], naf('43.21A'));
    expect(m.wins.contracts).toBe(4);
    expect(m.codes.map((c) => c.code)).toEqual(['454']);
  });

  it('has no amount share when no usable amount is known', () => {
    const m = mapNafToCpv([row('43.21A', '453', 4, 0)], naf('43.21A'));
    expect(m.codes[0].amountShare).toBeNull();
    expect(m.coverage).toEqual({ contracts: 1, amount: null });
  });

  it('refuses a rule out of range', () => {
    expect(() => mapNafToCpv(TABLE, naf('43'), { coverage: 0 })).toThrow(RangeError);
    expect(() => mapNafToCpv(TABLE, naf('43'), { coverage: 1.2 })).toThrow(RangeError);
    expect(() => mapNafToCpv(TABLE, naf('43'), { minContracts: 0 })).toThrow(RangeError);
    expect(() => mapNafToCpv(TABLE, naf('43'), { minShare: 1 })).toThrow(RangeError);
  });

  it('explains its rule in French', () => {
    expect(describeNafCpvRule({ level: 'group', coverage: 0.8, minContracts: 3, minShare: 0.02 })).toContain('jusqu’à couvrir 80\u00a0% de ces marchés');
    expect(describeNafCpvRule({ level: 'division', coverage: 0.75, minContracts: 1, minShare: 0 })).toContain('au moins 1 marché et 0\u00a0%');
  });
});

describe('NAF codes present in the data', () => {
  it('lists codes by decreasing wins, under a prefix when given', () => {
    expect(nafCodesOf(TABLE)).toEqual([
      { code: '43.21A', contracts: 100 },
      { code: '71.12B', contracts: 40 },
      { code: '43.22A', contracts: 34 },
    ]);
    expect(nafCodesOf(TABLE, naf('43.22'))).toEqual([{ code: '43.22A', contracts: 34 }]);
    expect(nafCodesOf(TABLE, naf('56'))).toEqual([]);
  });
});
