import { purchaseTypeOf, cpvDivisionOf } from './contract.model';

describe('purchase type from the CPV code', () => {
  it.each([
    ['45233141', 'travaux'],
    ['03111000', 'fournitures'],
    ['44000000', 'fournitures'],
    ['48000000', 'fournitures'],
    ['49000000', null],
    ['50000000', 'services'],
    ['98000000', 'services'],
    ['99000000', null],
    [null, null],
    ['4521', null],
  ])('classifies %s as %s', (cpv, expected) => {
    expect(purchaseTypeOf(cpv)).toBe(expected);
  });

  it('keeps the division only for 8-digit codes', () => {
    expect(cpvDivisionOf('45210000')).toBe('45');
    expect(cpvDivisionOf('4521000')).toBeNull();
  });
});
