import { isWithoutPublicityOrCompetition, simplifiedProceduresIndicator } from './simplified-procedures.indicator';
import { fact } from '../testing/builders';

describe('simplified procedures', () => {
  const facts = [
    'Procédure adaptée',
    'PROCEDURE ADAPTEE',
    "Appel d'offres ouvert",
    'Marché passé sans publicité ni mise en concurrence préalable',
    'Marché négocié sans publicité ni mise en concurrence préalable',
    'Procédure avec négociation',
    null,
  ].map((procedure) => fact({ procedure }));

  it('gives the MAPA share over contracts with a known procedure, whatever the spelling', () => {
    expect(simplifiedProceduresIndicator(facts, { kind: 'procedure-adaptee' }).byCount).toEqual({
      numerator: 2,
      denominator: 6,
      value: 1 / 3,
      unknown: 1,
      unknownShare: 1 / 7,
    });
  });

  it('gives the share without publicity or competition, 2022 and legacy 1.4 wordings alike', () => {
    expect(simplifiedProceduresIndicator(facts, { kind: 'no-publicity-no-competition' }).byCount).toMatchObject({ numerator: 2, denominator: 6 });
  });

  it.each([
    ['Marché passé sans publicité ni mise en concurrence préalable', true],
    ['MARCHE NEGOCIE SANS PUBLICITE NI MISE EN CONCURRENCE PREALABLE', true],
    ['Procédure avec négociation', false],
    [null, false],
  ])('recognises %s as without publicity or competition = %s', (procedure, expected) => {
    expect(isWithoutPublicityOrCompetition(procedure)).toBe(expected);
  });
});
