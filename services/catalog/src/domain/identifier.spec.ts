import { classifyIdentifier } from './identifier';

describe('classifyIdentifier', () => {
  it.each([
    // given id, typeIdentifiant → then kind, siren, reason contains
    ['24350013900189', 'SIRET', 'SIRET', '243500139', null],
    [' 2435 0013 900189', 'SIRET', 'SIRET', '243500139', null],
    ['35600000000048', 'SIRET', 'SIRET', '356000000', null], // La Poste: Luhn on the SIREN only
    ['243500139', 'SIREN', 'SIREN', '243500139', null],
    ['FR37243500139', 'TVA', 'SIREN', '243500139', null], // French VAT embeds the SIREN
    ['24350013900188', 'SIRET', 'SIRET', '243500139', null], // NIC not checked
    ['24350013800189', 'SIRET', 'INVALID', null, 'Luhn'],
    ['243500138', null, 'INVALID', null, 'Luhn'],
    ['00001', 'SIRET', 'INVALID', null, '5 digits'],
    ['', 'SIRET', 'INVALID', null, 'empty'],
    ['DE811907980', 'TVA', 'FOREIGN', null, 'DE'],
    ['BE0123456789', null, 'FOREIGN', null, 'BE'],
    ['123456', 'HORS_UE', 'FOREIGN', null, 'HORS_UE'],
    ['A-12/ZZ', 'HORS-UE', 'FOREIGN', null, 'HORS_UE'],
    ['n/a', 'SIRET', 'INVALID', null, 'not a SIRET'],
  ])('given %j (%s), it is %s', (id, type, kind, siren, reason) => {
    const result = classifyIdentifier(id, type);
    expect(result.kind).toBe(kind);
    expect(result.siren).toBe(siren);
    if (reason) expect(result.reason).toContain(reason);
    else expect(result.reason).toBeNull();
  });
});
