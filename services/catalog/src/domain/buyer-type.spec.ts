import { buyerTypeFromCategorieJuridique } from './buyer-type';

describe('buyerTypeFromCategorieJuridique', () => {
  it.each([
    ['7113', 'etat'],
    ['7120', 'etat'],
    ['4110', 'epic'],
    ['4120', 'epic'],
    ['4140', 'epic'],
    ['7210', 'commune'],
    ['7312', 'commune'],
    ['7343', 'epci'],
    ['7346', 'epci'],
    ['7354', 'syndicat-mixte'],
    ['7355', 'syndicat-mixte'],
    ['7220', 'departement'],
    ['7230', 'region'],
    ['7364', 'hopital'],
    ['5710', 'autre'],
    ['4130', 'autre'],
    ['', null],
    [null, null],
    ['71', null],
  ])('given catégorie juridique %j, the buyer type is %j', (code, expected) => {
    expect(buyerTypeFromCategorieJuridique(code)).toBe(expected);
  });
});
