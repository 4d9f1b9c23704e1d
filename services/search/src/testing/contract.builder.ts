import {
  ContractSchema,
  OrganisationProfileSchema,
  aCanonicalContract,
  type Contract,
  type OrganisationProfile,
  type OrganisationRef,
} from '@observatoire/contracts';
import { toSearchDocument, type ContractSearchDocument } from '../domain/search-document';

/**
 * Test data builders: canonical contracts and organisation profiles that look like Breton DECP data
 * (real SIRENs of Breton public buyers, real commune/EPCI codes, real CPV labels), validated
 * against the canonical schema so the tests exercise the same shapes as production. `aContract` is the shared
 * `aCanonicalContract` with the search defaults (derived fields follow the overrides).
 */

export function anOrganisationRef(id: string, denominationSociale: string | null = null): OrganisationRef {
  return { id, typeIdentifiant: /^\d{14}$/.test(id) ? 'SIRET' : 'TVA', denominationSociale, siretValide: /^\d{14}$/.test(id) };
}

export function aContract(overrides: Partial<Contract> & { acheteurId?: string; titulaireIds?: string[] } = {}): Contract {
  const { acheteurId = '24350013900189', titulaireIds = ['34506898700123'], ...rest } = overrides;
  const id = rest.id ?? '2024-0001';
  const montant = rest.montant === undefined ? 100_000 : rest.montant;
  const dateNotification = rest.dateNotification === undefined ? '2024-03-12' : rest.dateNotification;
  const titulaires = rest.titulaires ?? titulaireIds.map((t) => anOrganisationRef(t));
  const contract = aCanonicalContract({
    id,
    acheteur: anOrganisationRef(acheteurId),
    codeCPV: '45233140',
    formePrix: 'Unitaire',
    typesPrix: ['Définitif ferme'],
    montant,
    dateNotification,
    datePublicationDonnees: dateNotification,
    titulaires,
    attributionAvance: false,
    tauxAvance: 0,
    ccag: 'Travaux',
    typeGroupementOperateurs: titulaires.length > 1 ? 'Conjoint' : 'Pas de groupement',
    considerationsSociales: ['Pas de considération sociale'],
    considerationsEnvironnementales: ['Pas de considération environnementale'],
    flags: montant === null ? [{ code: 'AMOUNT_MISSING', field: 'montant', message: 'no amount' }] : [],
    provenance: [{ source: 'megalis', file: 'decp-megalis-2024.json', position: 1, format: 'decp-2022-json', schemaVersion: '2.0.3' }],
    ...rest,
    uid: rest.uid ?? `${acheteurId}${id}`,
  });
  return ContractSchema.parse(contract);
}

export function aProfile(overrides: Partial<OrganisationProfile> & { id: string }): OrganisationProfile {
  const siret = /^\d{14}$/.test(overrides.id) ? overrides.id : null;
  return OrganisationProfileSchema.parse({
    siret,
    siren: siret ? siret.slice(0, 9) : null,
    status: 'resolved',
    unknownReason: null,
    nom: null,
    categorieEntreprise: null,
    trancheEffectifs: null,
    tpe: null,
    categorieJuridique: null,
    typeOrganisation: null,
    naf: null,
    communeCode: null,
    communeNom: null,
    epciSiren: null,
    epciNom: null,
    departementCode: null,
    regionCode: null,
    latitude: null,
    longitude: null,
    origin: 'sirene-stock',
    resolvedAt: '2025-01-15T08:00:00Z',
    ...overrides,
  });
}

const place = (communeCode: string, communeNom: string, epciSiren: string, epciNom: string, departementCode: string, regionCode: string) => ({
  communeCode,
  communeNom,
  epciSiren,
  epciNom,
  departementCode,
  regionCode,
});
const RENNES = place('35238', 'Rennes', '243500139', 'Rennes Métropole', '35', '53');
const BREST = place('29019', 'Brest', '242900314', 'Brest Métropole', '29', '53');
const QUIMPER = place('29232', 'Quimper', '200068120', 'CA Quimper Bretagne Occidentale', '29', '53');
const VANNES = place('56260', 'Vannes', '200067932', 'CA Golfe du Morbihan - Vannes Agglomération', '56', '53');
const LANDERNEAU = place('29103', 'Landerneau', '242900801', 'CA du Pays de Landerneau-Daoulas', '29', '53');
const SAINT_BRIEUC = place('22278', 'Saint-Brieuc', '200069409', 'CA Saint-Brieuc Armor Agglomération', '22', '53');
const LORIENT = place('56121', 'Lorient', '200042174', 'CA Lorient Agglomération', '56', '53');
const NANTES = place('44109', 'Nantes', '244400404', 'Nantes Métropole', '44', '52');
const LILLE = place('59350', 'Lille', '200093201', 'Métropole Européenne de Lille', '59', '32');
const MONTPELLIER = place('34172', 'Montpellier', '243400017', 'Montpellier Méditerranée Métropole', '34', '76');

export const BUYERS = {
  rennesMetropole: aProfile({ id: '24350013900189', nom: 'Rennes Métropole', typeOrganisation: 'epci', categorieJuridique: '7344', ...RENNES }),
  brestMetropole: aProfile({ id: '24290031400011', nom: 'Brest Métropole', typeOrganisation: 'epci', categorieJuridique: '7344', ...BREST }),
  regionBretagne: aProfile({ id: '23350001600040', nom: 'Région Bretagne', typeOrganisation: 'region', categorieJuridique: '7230', ...RENNES }),
  quimper: aProfile({ id: '21290232500017', nom: 'Commune de Quimper', typeOrganisation: 'commune', categorieJuridique: '7210', ...QUIMPER }),
  morbihan: aProfile({ id: '22560001400016', nom: 'Département du Morbihan', typeOrganisation: 'departement', categorieJuridique: '7220', ...VANNES }),
  nantes: aProfile({ id: '21440109300015', nom: 'Ville de Nantes', typeOrganisation: 'commune', categorieJuridique: '7210', ...NANTES }),
};

export const SUPPLIERS = {
  eurovia: aProfile({ id: '34506898700123', nom: 'EUROVIA BRETAGNE', categorieEntreprise: 'GE', ...RENNES }),
  colas: aProfile({ id: '32933890100452', nom: 'COLAS FRANCE', categorieEntreprise: 'GE', ...RENNES }),
  tpLeon: aProfile({ id: '41234567800021', nom: 'SARL TRAVAUX PUBLICS DU LEON', categorieEntreprise: 'PME', ...LANDERNEAU }),
  armorNettoyage: aProfile({ id: '51876543200017', nom: 'ARMOR NETTOYAGE', categorieEntreprise: 'PME', ...SAINT_BRIEUC }),
  kervielInformatique: aProfile({ id: '38912345600034', nom: 'KERVIEL INFORMATIQUE', categorieEntreprise: 'ETI', ...LORIENT }),
  apiRestauration: aProfile({ id: '43876512300058', nom: 'API RESTAURATION', categorieEntreprise: 'ETI', ...LILLE }),
  salinsDuMidi: aProfile({ id: '41287654300096', nom: 'COMPAGNIE DES SALINS DU MIDI', categorieEntreprise: 'GE', ...MONTPELLIER }),
  batimentOuest: aProfile({ id: '79845612300011', nom: 'BÂTIMENT OUEST CONSTRUCTION', categorieEntreprise: 'PME', ...NANTES }),
};
/** A foreign titulaire (VAT number): never resolved, size "unknown". */
export const FOREIGN_SUPPLIER_ID = 'BE0403170701';
/** A valid SIRET the catalog has not resolved yet. */
export const UNRESOLVED_SUPPLIER_ID = '88012345600019';

export const CPV_LABELS: Record<string, string> = {
  '34144900': 'Véhicules électriques',
  '34927100': 'Sel de déneigement',
  '45214210': "Travaux de construction d'écoles primaires",
  '45233140': 'Travaux routiers',
  '45233141': "Travaux d'entretien routier",
  '50312000': 'Maintenance et réparation de matériel informatique',
  '55523100': 'Services de restauration scolaire',
  '90919200': 'Services de nettoyage de bureaux',
  '45453000': 'Travaux de remise en état et de remise à neuf',
  '71000000': "Services d'architecture, services de construction, services d'ingénierie et services d'inspection",
  '79341000': 'Services de publicité',
};

export const ALL_PROFILES = new Map<string, OrganisationProfile>(
  [...Object.values(BUYERS), ...Object.values(SUPPLIERS)].map((p) => [p.id, p]),
);

export function documentOf(contract: Contract, version = 1, orgs: Map<string, OrganisationProfile> = ALL_PROFILES): ContractSearchDocument {
  return toSearchDocument(contract, orgs, contract.codeCPV ? CPV_LABELS[contract.codeCPV] : undefined, version);
}

const S = SUPPLIERS;
const B = BUYERS;
const social = ['Clause sociale'];
const environmental = ['Critère environnemental'];

/**
 * Nine contracts covering every filter and facet dimension (see the conformance suite for what
 * each one is there for). Keys are short names, values canonical contracts.
 */
export const FIXTURE = {
  c1: aContract({
    acheteurId: B.rennesMetropole.id, id: '2024-VOI-017', codeCPV: '45233140', dateNotification: '2024-03-12', montant: 845_000,
    objet: 'Travaux de réfection des voiries communautaires – lot 2 : enrobés',
    titulaireIds: [S.eurovia.id, S.tpLeon.id], offresRecues: 3, considerationsSociales: social,
  }),
  c2: aContract({
    acheteurId: B.brestMetropole.id, id: '24M0058', codeCPV: '45233141', dateNotification: '2024-06-20', montant: 320_000,
    objet: 'Entretien et réparation des voiries et trottoirs', procedure: "Appel d'offres ouvert",
    titulaireIds: [S.tpLeon.id], offresRecues: 1, considerationsEnvironnementales: environmental,
  }),
  c3: aContract({
    acheteurId: B.quimper.id, id: '2023-REST-01', codeCPV: '55523100', dateNotification: '2023-09-01', montant: 1_250_000,
    objet: 'Restauration scolaire : fourniture de repas pour les écoles maternelles et élémentaires', procedure: "Appel d'offres ouvert",
    titulaireIds: [S.apiRestauration.id], offresRecues: 2, considerationsSociales: social, considerationsEnvironnementales: environmental,
  }),
  c4: aContract({
    acheteurId: B.regionBretagne.id, id: '2024-DSI-0042', codeCPV: '50312000', dateNotification: '2024-01-15', montant: 2_400_000,
    objet: 'Maintenance informatique des lycées publics bretons', procedure: 'Procédure avec négociation', nature: 'Marché de partenariat',
    titulaireIds: [S.kervielInformatique.id], offresRecues: 4, marcheInnovant: true, sousTraitanceDeclaree: true,
  }),
  c5: aContract({
    acheteurId: B.morbihan.id, id: '22-ROUTES-118', codeCPV: '34927100', dateNotification: '2022-11-05', montant: 98_500.5,
    objet: 'Fourniture de sel de déneigement pour les routes départementales', titulaireIds: [S.salinsDuMidi.id], offresRecues: null,
  }),
  c6: aContract({
    acheteurId: B.rennesMetropole.id, id: '2023-NET-004', codeCPV: '90919200', dateNotification: '2023-02-10', montant: 1e17,
    montantUtilisable: false, flags: [{ code: 'AMOUNT_UNUSABLE', field: 'montant', message: 'absurd amount', original: '1.0E17' }],
    objet: "Nettoyage des locaux de l'école de musique", titulaireIds: [S.armorNettoyage.id], offresRecues: 5,
  }),
  c7: aContract({
    acheteurId: B.nantes.id, id: '2024-0931', codeCPV: '45214210', dateNotification: '2024-09-30', montant: 3_100_000,
    objet: "Réhabilitation de l'école élémentaire Jean Jaurès", procedure: "Appel d'offres ouvert",
    titulaireIds: [S.batimentOuest.id, FOREIGN_SUPPLIER_ID], offresRecues: 6,
  }),
  c8: aContract({
    acheteurId: B.regionBretagne.id, id: '2024-VEH-003', codeCPV: '34144900', dateNotification: null, montant: null,
    objet: 'Acquisition de véhicules électriques', titulaireIds: [UNRESOLVED_SUPPLIER_ID], marcheInnovant: null, offresRecues: null,
  }),
  c9: aContract({
    acheteurId: B.quimper.id, id: '2024-VOI-3', codeCPV: '45233140', dateNotification: '2024-03-12', montant: 150_000,
    objet: 'Travaux de voirie rue de Kerfeunteun', titulaireIds: [S.colas.id, S.eurovia.id], offresRecues: 1,
  }),
};
export type FixtureKey = keyof typeof FIXTURE;

export function fixtureDocuments(): ContractSearchDocument[] {
  return Object.values(FIXTURE).map((c) => documentOf(c));
}

export function uidsOf(...keys: FixtureKey[]): string[] {
  return keys.map((k) => FIXTURE[k].uid).sort();
}

const OBJETS = [
  'Travaux de voirie et réseaux divers',
  'Réhabilitation énergétique du groupe scolaire',
  'Fourniture de mobilier scolaire pour les écoles',
  "Maîtrise d'œuvre pour la construction d'une médiathèque",
  'Entretien des espaces verts communaux',
  'Prestations de nettoyage des bâtiments communaux',
  'Acquisition de matériel informatique pour les lycées',
  'Travaux de couverture de la salle omnisports',
  'Campagne de communication et de publicité',
  'Restauration collective des établissements scolaires',
];
const CPVS = ['45233140', '45453000', '34144900', '71000000', '90919200', '90919200', '50312000', '45261210', '79341000', '55523100'];

/**
 * n synthetic documents with a deterministic spread of dates, amounts (some unusable), buyers and
 * suppliers, with ties on dates and amounts and some nulls: pagination must keep a total order.
 */
export function syntheticDocuments(n: number, seed = 1): ContractSearchDocument[] {
  let x = seed >>> 0 || 1;
  const rand = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
  const buyers = Object.values(BUYERS);
  const suppliers = [...Object.values(SUPPLIERS).map((s) => s.id), FOREIGN_SUPPLIER_ID];
  const docs: ContractSearchDocument[] = [];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rand() * OBJETS.length);
    const buyer = buyers[Math.floor(rand() * buyers.length)];
    const nTitulaires = rand() < 0.2 ? 2 : 1;
    const titulaireIds = [...new Set(Array.from({ length: nTitulaires }, () => suppliers[Math.floor(rand() * suppliers.length)]))];
    const r = rand();
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    const year = 2019 + Math.floor(rand() * 7);
    const dateNotification = r < 0.05 ? null : `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const unusable = rand() < 0.05;
    const montant = rand() < 0.03 ? null : Math.round(rand() * 40) * 25_000 + (rand() < 0.5 ? 0 : Math.round(rand() * 100_000) / 100);
    const codeCPV = CPVS[k];
    const contract = aContract({
      acheteurId: buyer.id,
      id: `SYN-${String(i).padStart(6, '0')}`,
      codeCPV,
      objet: `${OBJETS[k]} — lot ${1 + (i % 7)}`,
      dateNotification,
      montant: unusable ? 999_999_999 : montant,
      montantUtilisable: !unusable && montant !== null,
      titulaireIds,
      offresRecues: rand() < 0.1 ? null : 1 + Math.floor(rand() * 6),
      procedure: ['Procédure adaptée', "Appel d'offres ouvert", 'Procédure avec négociation'][Math.floor(rand() * 3)],
      considerationsSociales: rand() < 0.2 ? ['Clause sociale'] : ['Pas de considération sociale'],
      considerationsEnvironnementales: rand() < 0.3 ? ['Critère environnemental'] : ['Pas de considération environnementale'],
      marcheInnovant: rand() < 0.05,
      sousTraitanceDeclaree: rand() < 0.15,
    });
    docs.push(documentOf(contract, 1));
  }
  return docs;
}
