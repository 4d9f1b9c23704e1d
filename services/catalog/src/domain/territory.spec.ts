import { defaultTerritoryReference } from '../infrastructure/territory/territory-reference';
import { parentCommuneOf, territoryOf } from './territory';

describe('territoryOf (COG 2025 + DGCL 2026 reference)', () => {
  const ref = defaultTerritoryReference();

  it('given Rennes, returns Rennes Métropole, Ille-et-Vilaine, Bretagne', () => {
    const t = territoryOf('35238', ref);
    expect(t?.commune.nom).toBe('Rennes');
    expect(t?.epci?.siren).toBe('243500139');
    expect(t?.departement).toEqual({ code: '35', nom: 'Ille-et-Vilaine' });
    expect(t?.region.code).toBe('53');
  });

  it.each(['22016', '29083', '29155'])('given the island commune %s, it belongs to no EPCI but to Bretagne', (code) => {
    const t = territoryOf(code, ref);
    expect(t?.epci).toBeNull();
    expect(t?.region.code).toBe('53');
  });

  it.each([
    ['75108', '75056', '200054781'],
    ['69381', '69123', '200046977'],
    ['13201', '13055', '200054807'],
  ])('given the arrondissement %s, it takes the EPCI of %s', (code, parent, epci) => {
    expect(parentCommuneOf(code)).toBe(parent);
    expect(territoryOf(code, ref)?.epci?.siren).toBe(epci);
  });

  it.each([null, '', '99999'])('given %j, returns null (never guessed)', (code) => {
    expect(territoryOf(code, ref)).toBeNull();
  });
});
