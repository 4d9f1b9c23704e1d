import { considerationsIndicator } from './considerations.indicator';
import { fact } from '../testing/builders';
import type { ConsiderationFacts } from '../facts';

const c = (status: ConsiderationFacts['status'], clause = false, criterion = false, reserved = false): ConsiderationFacts => ({ status, clause, criterion, reserved });

describe('social and environmental considerations', () => {
  // given: a clause; a criterion + reserved contract; none; unknown (2019 record); contradictory
  const facts = [
    fact({ considerationsSociales: c('declared', true) }),
    fact({ considerationsSociales: c('declared', false, true, true) }),
    fact({ considerationsSociales: c('none') }),
    fact({ considerationsSociales: c('unknown') }),
    fact({ considerationsSociales: c('contradictory', true) }),
  ];

  it('gives the share with any social consideration over known lists; empty and contradictory lists are unknown', () => {
    const v = considerationsIndicator(facts, { kind: 'social' });
    expect(v.byCount).toEqual({ numerator: 2, denominator: 3, value: 2 / 3, unknown: 2, unknownShare: 0.4 });
    expect(v.key).toBe('social-considerations');
  });

  it('breaks the share down into clause, criterion and reserved contract', () => {
    const d = considerationsIndicator(facts, { kind: 'social' }).details;
    expect(d?.clause).toEqual({ contracts: 1, value: 1 / 3 });
    expect(d?.criterion).toEqual({ contracts: 1, value: 1 / 3 });
    expect(d?.reserved).toEqual({ contracts: 1, value: 1 / 3 });
    expect(d?.contradictory).toBe(1);
  });

  it('reads the environmental list, not the social one, for the environmental indicator', () => {
    const f = fact({ considerationsSociales: c('declared', true), considerationsEnvironnementales: c('none') });
    expect(considerationsIndicator([f], { kind: 'environmental' }).byCount).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
  });
});
