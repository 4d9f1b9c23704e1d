import { tariffsOfConcession, tariffValue } from './concession-tariffs';
import { contract } from './testing/builders';

const concession = (donneesExecution: Record<string, unknown>[]) =>
  contract({
    uid: 'CONC-1',
    kind: 'concession',
    objet: 'Délégation du service public de l’eau',
    concession: { valeurGlobale: 1_000_000, montantSubventionPublique: null, dateDebutExecution: '2024-04-01', donneesExecution },
  });

describe('tariffs published by concessions in their execution data', () => {
  it('reads the 2022 JSON shape of the official example (tarifs wrapped in { tarif })', () => {
    const c = concession([
      {
        datePublicationDonneesExecution: '2024-04-18',
        depensesInvestissement: 15.3,
        tarifs: [{ tarif: { intituleTarif: 'Intitulé du tarif', tarif: 14.29 } }, { tarif: { intituleTarif: 'Intitulé du tarif2', tarif: 19.29 } }],
      },
    ]);
    expect(tariffsOfConcession(c)).toEqual([
      expect.objectContaining({ uid: 'CONC-1', intituleTarif: 'Intitulé du tarif', tarif: 14.29, datePublication: '2024-04-18', objet: 'Délégation du service public de l’eau' }),
      expect.objectContaining({ intituleTarif: 'Intitulé du tarif2', tarif: 19.29 }),
    ]);
  });

  it('reads yearly data still wrapped in donneesAnnuelles, flat tariffs and the XML single-object shape', () => {
    const c = concession([
      { donneesAnnuelles: { datePublicationDonneesExecution: '2023-05-01', tarifs: [{ intituleTarif: 'Abonnement', tarif: '45,50' }] } },
      { datePublicationDonneesExecution: '2024-05-01', tarifs: { tarif: { intituleTarif: 'Mètre cube', tarif: '2.1' } } },
    ]);
    expect(tariffsOfConcession(c).map((t) => [t.datePublication, t.intituleTarif, t.tarif])).toEqual([
      ['2023-05-01', 'Abonnement', 45.5],
      ['2024-05-01', 'Mètre cube', 2.1],
    ]);
  });

  it('keeps a tariff whose value is unreadable, with a null value (never a guessed number)', () => {
    const c = concession([{ datePublicationDonneesExecution: '2024-05-01', tarifs: [{ tarif: { intituleTarif: 'Forfait', tarif: 'gratuit' } }] }]);
    expect(tariffsOfConcession(c)).toEqual([expect.objectContaining({ intituleTarif: 'Forfait', tarif: null })]);
  });

  it('gives nothing for a marché or a concession without execution data', () => {
    expect(tariffsOfConcession(contract())).toEqual([]);
    expect(tariffsOfConcession(concession([]))).toEqual([]);
  });

  it('parses French and dotted decimals, refuses anything else', () => {
    expect(tariffValue('1 200,50 €')).toBe(1200.5);
    expect(tariffValue(3)).toBe(3);
    expect(tariffValue('12a')).toBeNull();
    expect(tariffValue(Number.NaN)).toBeNull();
  });
});
