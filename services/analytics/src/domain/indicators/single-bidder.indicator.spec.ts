import { singleBidderIndicator } from './single-bidder.indicator';
import { fact } from '../testing/builders';

describe('single bidder', () => {
  const facts = [
    fact({ procedure: "Appel d'offres ouvert", offresRecues: 1 }),
    fact({ procedure: 'Appel d’offres restreint', offresRecues: 1 }), // curly apostrophe (schema 2.0.1)
    fact({ procedure: "Appel d'offres ouvert", offresRecues: 4 }),
    fact({ procedure: "Appel d'offres ouvert", offresRecues: null }),
    fact({ procedure: 'Procédure adaptée', offresRecues: 1 }), // out of the population
    fact({ procedure: null, offresRecues: 1 }), // population unknown
  ];

  it('counts calls for tenders with one offer over those where offresRecues is known', () => {
    const v = singleBidderIndicator(facts);
    expect(v.byCount).toEqual({ numerator: 2, denominator: 3, value: 2 / 3, unknown: 1, unknownShare: 0.25 });
  });

  it('keeps contracts without a procedure out, reported apart', () => {
    expect(singleBidderIndicator(facts).details?.populationUnknown).toBe(1);
  });

  it('returns null when no call for tenders is in scope', () => {
    expect(singleBidderIndicator([fact({ procedure: 'Procédure adaptée' })]).byCount.value).toBeNull();
  });
});
