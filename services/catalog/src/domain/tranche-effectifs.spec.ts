import { categorieEntrepriseOf, tpeFromTranche } from './tranche-effectifs';

describe('tpeFromTranche', () => {
  it.each([
    ['NN', true],
    ['00', true],
    ['01', true],
    ['02', true],
    ['03', true],
    ['11', false],
    ['53', false],
    ['', null],
    [null, null],
    ['99', null],
  ])('given tranche %j, TPE is %j', (tranche, expected) => {
    expect(tpeFromTranche(tranche)).toBe(expected);
  });
});

describe('categorieEntrepriseOf', () => {
  it.each([
    ['PME', 'PME'],
    ['eti', 'ETI'],
    ['GE', 'GE'],
    ['', null],
    ['TPE', null],
  ])('given %j it keeps %j', (value, expected) => {
    expect(categorieEntrepriseOf(value)).toBe(expected);
  });
});
