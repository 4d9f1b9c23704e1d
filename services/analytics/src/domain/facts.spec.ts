import { buyerTypeOfCategorieJuridique, coContractorShares, toFacts, withCoContractorRule } from './facts';
import { contract, lookup, profile, ref } from './testing/builders';

const BUYER = '21350238800014';
const S1 = '44306184100047';
const S2 = '55208131766522';
const S3 = '73282932000074';

describe('toFacts: amounts', () => {
  it('uses the current montant of a modified contract and never sums the versions', () => {
    // given an award of 100 000 € raised to 150 000 € (new total) by a modification
    const c = contract({
      montant: 150_000,
      montantInitial: 100_000,
      versions: [
        { seq: 0, kind: 'initial', montant: 100_000, dureeMois: 12, titulaires: [ref(S1)], dateNotification: '2024-03-01', datePublicationDonnees: '2024-03-15' },
        { seq: 1, kind: 'modification', montant: 150_000, dureeMois: null, titulaires: null, dateNotification: '2024-09-01', datePublicationDonnees: '2024-09-10' },
      ],
    });
    // when
    const f = toFacts(c, lookup());
    // then
    expect(f.amount).toBe(150_000);
    expect(f.montant).toBe(150_000);
    expect(f.amountStatus).toBe('usable');
  });

  it('uses the current titulaires list of a modification that replaced the supplier', () => {
    const c = contract({ titulaires: [ref(S2)] });
    expect(toFacts(c, lookup()).titulaires.map((t) => t.id)).toEqual([S2]);
  });

  it.each([
    ['flagged unusable (1.0E17)', { montant: 1e17, montantUtilisable: false }, 'unusable'],
    ['flagged unusable (999 999 999)', { montant: 999_999_999, montantUtilisable: false }, 'unusable'],
    ['above 3 bn € although not flagged', { montant: 5e9, montantUtilisable: true }, 'unusable'],
    ['below 1 € although not flagged', { montant: 0.5, montantUtilisable: true }, 'unusable'],
    ['missing', { montant: null, montantUtilisable: false }, 'missing'],
  ] as const)('keeps no usable amount when the montant is %s', (_label, overrides, status) => {
    const f = toFacts(contract(overrides), lookup());
    expect(f.amount).toBeNull();
    expect(f.amountStatus).toBe(status);
  });

  it("takes a concession's valeurGlobale when it has no montant", () => {
    const c = contract({
      kind: 'concession',
      montant: null,
      concession: { valeurGlobale: 2_000_000, montantSubventionPublique: null, dateDebutExecution: null, donneesExecution: [] },
    });
    expect(toFacts(c, lookup()).amount).toBe(2_000_000);
  });

  it('marks a framework agreement whatever the spelling of the technique', () => {
    expect(toFacts(contract({ techniques: ['ACCORD-CADRE'] }), lookup()).frameworkAgreement).toBe(true);
    expect(toFacts(contract({ techniques: ['Concours'] }), lookup()).frameworkAgreement).toBe(false);
  });
});

describe('toFacts: co-contractor rule', () => {
  const three = contract({ titulaires: [ref(S1), ref(S2), ref(S3)] });

  it('splits a contract evenly between three co-contractors by default', () => {
    const shares = toFacts(three, lookup()).titulaires.map((t) => t.share);
    expect(shares).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('gives the whole contract to the first titulaire under the lead rule', () => {
    const f = toFacts(three, lookup(), { coContractorRule: 'lead' });
    expect(f.titulaires.map((t) => t.share)).toEqual([1, 0, 0]);
    expect(f.coContractorRule).toBe('lead');
  });

  it('re-shares existing facts under another rule without touching the original', () => {
    const even = toFacts(three, lookup());
    const lead = withCoContractorRule(even, 'lead');
    expect(lead.titulaires.map((t) => t.share)).toEqual([1, 0, 0]);
    expect(even.titulaires.map((t) => t.share)).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it.each([
    [0, 'even-split', []],
    [1, 'even-split', [1]],
    [2, 'even-split', [0.5, 0.5]],
    [2, 'lead', [1, 0]],
  ] as const)('gives %i titulaires under %s the shares %j', (n, rule, expected) => {
    expect(coContractorShares(n, rule)).toEqual(expected);
  });
});

describe('toFacts: supplier size and location', () => {
  it('keeps an explicit unknown size when SIRENE has no category or the supplier has no profile', () => {
    // given one resolved supplier with an empty category and one never resolved
    const c = contract({ titulaires: [ref(S1), ref(S2)] });
    const profiles = lookup(profile(S1, { categorieEntreprise: null, tpe: null }));
    // when
    const [a, b] = toFacts(c, profiles).titulaires;
    // then
    expect([a.categorie, a.tpe]).toEqual(['unknown', 'unknown']);
    expect([b.categorie, b.tpe]).toEqual(['unknown', 'unknown']);
  });

  it('reads PME / ETI / GE and the TPE proxy from the profile', () => {
    const c = contract({ titulaires: [ref(S1), ref(S2)] });
    const profiles = lookup(profile(S1, { categorieEntreprise: 'PME', tpe: true }), profile(S2, { categorieEntreprise: 'GE', tpe: false }));
    expect(toFacts(c, profiles).titulaires.map((t) => [t.categorie, t.tpe])).toEqual([
      ['PME', true],
      ['GE', false],
    ]);
  });

  it.each([
    ['HORS_UE', 'US-123456', true],
    ['TVA', 'DE811569869', true],
    ['TVA', 'FR40303265045', false],
    ['FRWF', 'FRWF00012345', true],
  ])('treats typeIdentifiant %s with id %s as foreign = %s', (typeIdentifiant, id, foreign) => {
    const c = contract({ titulaires: [ref(id, { typeIdentifiant, siretValide: false })] });
    const [t] = toFacts(c, lookup()).titulaires;
    expect(t.foreign).toBe(foreign);
    expect(t.categorie).toBe('unknown');
    expect(t.idStatus).toBe('other-scheme');
  });

  it('treats a supplier resolved as FOREIGN as foreign with no territory and no distance', () => {
    const c = contract({ titulaires: [ref('BE0403170701', { typeIdentifiant: 'TVA', siretValide: false })] });
    const p = profile('BE0403170701', { status: 'unknown', unknownReason: 'FOREIGN', categorieEntreprise: null, siren: null, latitude: null, longitude: null });
    const [t] = toFacts(c, lookup(p)).titulaires;
    expect(t.foreign).toBe(true);
    expect(t.territory.regionCode).toBeNull();
    expect(t.distanceKm).toBeNull();
  });

  it('marks an id that is no SIRET and declares no other scheme as invalid', () => {
    const c = contract({ titulaires: [ref('00001', { siretValide: false })] });
    expect(toFacts(c, lookup()).titulaires[0].idStatus).toBe('invalid');
  });

  it('computes the buyer–supplier distance by haversine (1° of latitude = 111.19 km)', () => {
    const c = contract({ titulaires: [ref(S1)] });
    const profiles = lookup(profile(BUYER, { latitude: 48, longitude: -2 }), profile(S1, { latitude: 49, longitude: -2 }));
    expect(toFacts(c, profiles).titulaires[0].distanceKm).toBeCloseTo((6371 * Math.PI) / 180, 6);
  });

  it('has no distance when a coordinate is missing', () => {
    const profiles = lookup(profile(BUYER), profile(S1, { latitude: null }));
    expect(toFacts(contract(), profiles).titulaires[0].distanceKm).toBeNull();
  });

  it('falls back to the consolidated source enrichment when a supplier has no profile', () => {
    const c = contract({
      enrichment: { origin: 'decp.info', titulaires: [{ id: S1, categorie: 'ETI', departementCode: '29', regionCode: '53', distanceKm: 42 }] },
    });
    const [t] = toFacts(c, lookup()).titulaires;
    expect([t.categorie, t.territory.departementCode, t.territory.regionCode, t.distanceKm]).toEqual(['ETI', '29', '53', 42]);
  });
});

describe('toFacts: buyer territory, islands without EPCI', () => {
  it.each(['22016', '29083', '29155'])('makes island commune %s its own intercommunal territory', (commune) => {
    const p = profile(BUYER, { communeCode: commune, epciSiren: null, departementCode: commune.slice(0, 2) });
    expect(toFacts(contract(), lookup(p)).buyer.territory.epciKey).toBe(`commune:${commune}`);
  });

  it('leaves the EPCI unknown for an ordinary commune whose EPCI was not resolved', () => {
    const p = profile(BUYER, { communeCode: '35238', epciSiren: null });
    expect(toFacts(contract(), lookup(p)).buyer.territory.epciKey).toBeNull();
  });

  it('derives the département from the commune when the profile lacks it', () => {
    const p = profile(BUYER, { communeCode: '29019', departementCode: null });
    expect(toFacts(contract(), lookup(p)).buyer.territory.departementCode).toBe('29');
  });

  it('takes the buyer type from the profile, else from the legal category, else unknown', () => {
    expect(toFacts(contract(), lookup(profile(BUYER, { typeOrganisation: 'region' }))).buyer.type).toBe('region');
    expect(toFacts(contract(), lookup(profile(BUYER, { typeOrganisation: null, categorieJuridique: '7348' }))).buyer.type).toBe('epci');
    expect(toFacts(contract(), lookup()).buyer.type).toBe('unknown');
  });

  it.each([
    ['7120', 'etat'],
    ['4110', 'epic'],
    ['7210', 'commune'],
    ['7346', 'epci'],
    ['7354', 'syndicat-mixte'],
    ['7220', 'departement'],
    ['7230', 'region'],
    ['7364', 'hopital'],
    ['5710', 'autre'],
    [null, 'unknown'],
  ])('maps categorie juridique %s to buyer type %s', (cj, type) => {
    expect(buyerTypeOfCategorieJuridique(cj)).toBe(type);
  });

  it('takes the year from dateNotification and leaves it null when the date is unknown', () => {
    expect(toFacts(contract({ dateNotification: '2023-12-31' }), lookup()).year).toBe(2023);
    expect(toFacts(contract({ dateNotification: null }), lookup()).year).toBeNull();
  });
});

describe('toFacts: 2022 fields', () => {
  it.each([
    [['Clause sociale', 'Critère social'], { status: 'declared', clause: true, criterion: true, reserved: false }],
    [['Marché réservé'], { status: 'declared', clause: false, criterion: false, reserved: true }],
    [['Pas de considération sociale'], { status: 'none', clause: false, criterion: false, reserved: false }],
    [['PAS DE CONSIDERATION SOCIALE'], { status: 'none', clause: false, criterion: false, reserved: false }],
    [['Pas de considération sociale', 'Clause sociale'], { status: 'contradictory', clause: true, criterion: false, reserved: false }],
    [[], { status: 'unknown', clause: false, criterion: false, reserved: false }],
  ])('reads social considerations %j', (values, expected) => {
    expect(toFacts(contract({ considerationsSociales: values }), lookup()).considerationsSociales).toEqual(expected);
  });

  it('reads environmental considerations, which have no reserved value', () => {
    const f = toFacts(contract({ considerationsEnvironnementales: ['Critère environnemental'] }), lookup());
    expect(f.considerationsEnvironnementales).toEqual({ status: 'declared', clause: false, criterion: true, reserved: false });
  });

  it('keeps unknown yes/no fields unknown, never "no"', () => {
    const f = toFacts(contract({ attributionAvance: null, marcheInnovant: null, sousTraitanceDeclaree: null }), lookup());
    expect([f.attributionAvance, f.marcheInnovant, f.sousTraitanceDeclaree]).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('reads tauxAvance 0 with an advance as "rate unknown" (schema 2.0 rule)', () => {
    expect(toFacts(contract({ attributionAvance: true, tauxAvance: 0 }), lookup()).tauxAvance).toBeNull();
    expect(toFacts(contract({ attributionAvance: true, tauxAvance: 0.3 }), lookup()).tauxAvance).toBe(0.3);
  });

  it('marks the key fields that are missing', () => {
    const f = toFacts(contract({ lieuExecution: null, formePrix: '  ', dureeMois: null }), lookup());
    expect(Object.entries(f.keyFields).filter(([, ok]) => !ok).map(([k]) => k)).toEqual(['lieuExecution', 'formePrix', 'dureeMois']);
  });

  it('lists each provenance source once', () => {
    const c = contract({
      provenance: [
        { source: 'megalis', file: 'a.json', position: 1, format: 'decp-2022-json', schemaVersion: '2.0.3' },
        { source: 'megalis', file: 'b.json', position: 4, format: 'decp-2022-json', schemaVersion: '2.0.3' },
        { source: 'pes-dgfip', file: 'c.xml', position: 2, format: 'decp-2022-xml', schemaVersion: '2.0.3' },
      ],
    });
    expect(toFacts(c, lookup()).sources).toEqual(['megalis', 'pes-dgfip']);
  });
});
