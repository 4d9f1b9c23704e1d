/**
 * Test builders for the analytics domain (used by *.spec.ts only; not exported from the domain index).
 * Defaults describe a plain, fully known 2024 contract: override only what a test is about. `contract()` wraps the
 * shared `aCanonicalContract`, so derived fields (uid, CPV division, initial version, ...) follow the overrides.
 */
import { aCanonicalContract, type Contract, type OrganisationProfile, type OrganisationRef } from '@observatoire/contracts';
import {
  KEY_FIELDS,
  coContractorShares,
  type BuyerFacts,
  type CoContractorRule,
  type ContractFacts,
  type KeyField,
  type SupplierFacts,
  type TerritoryFacts,
} from '../facts';

export function ref(id: string, overrides: Partial<OrganisationRef> = {}): OrganisationRef {
  return { id, typeIdentifiant: 'SIRET', denominationSociale: null, siretValide: true, ...overrides };
}

export function contract(overrides: Partial<Contract> = {}): Contract {
  return aCanonicalContract({
    id: 'C1',
    acheteur: ref('21350238800014'),
    codeCPV: '45233141',
    formePrix: 'Forfaitaire',
    montant: 100_000,
    dateNotification: '2024-03-01',
    datePublicationDonnees: '2024-03-15',
    titulaires: [ref('44306184100047')],
    attributionAvance: false,
    tauxAvance: null,
    considerationsSociales: ['Pas de considération sociale'],
    considerationsEnvironnementales: ['Pas de considération environnementale'],
    provenance: [{ source: 'megalis', file: 'megalis.json', position: 1, format: 'decp-2022-json', schemaVersion: '2.0.3' }],
    ...overrides,
  });
}

export function profile(id: string, overrides: Partial<OrganisationProfile> = {}): OrganisationProfile {
  return {
    id,
    siret: id,
    siren: id.slice(0, 9),
    status: 'resolved',
    unknownReason: null,
    nom: null,
    categorieEntreprise: 'PME',
    trancheEffectifs: '03',
    tpe: true,
    categorieJuridique: '5710',
    typeOrganisation: null,
    naf: null,
    communeCode: '35238',
    communeNom: 'Rennes',
    epciSiren: '243500139',
    epciNom: 'Rennes Métropole',
    departementCode: '35',
    regionCode: '53',
    latitude: 48.0,
    longitude: -2.0,
    origin: 'sirene-stock',
    resolvedAt: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}

export function lookup(...profiles: OrganisationProfile[]): (id: string) => OrganisationProfile | undefined {
  const byId = new Map(profiles.map((p) => [p.id, p]));
  return (id) => byId.get(id);
}

export const RENNES_METROPOLE: TerritoryFacts = {
  communeCode: '35238',
  epciSiren: '243500139',
  epciKey: '243500139',
  departementCode: '35',
  regionCode: '53',
};

export function supplier(overrides: Partial<SupplierFacts> = {}): SupplierFacts {
  return {
    id: '44306184100047',
    siren: '443061841',
    typeIdentifiant: 'SIRET',
    idStatus: 'valid-siret',
    key: overrides.siren ?? overrides.id ?? '443061841',
    categorie: 'PME',
    tpe: false,
    foreign: false,
    unknownReason: null,
    territory: RENNES_METROPOLE,
    latitude: 48.0,
    longitude: -2.0,
    distanceKm: 0,
    share: 1,
    ...overrides,
  };
}

export function buyer(overrides: Partial<BuyerFacts> = {}): BuyerFacts {
  return {
    id: '21350238800014',
    siren: '213502388',
    type: 'commune',
    idValid: true,
    territory: RENNES_METROPOLE,
    latitude: 48.0,
    longitude: -2.0,
    ...overrides,
  };
}

const ALL_KEY_FIELDS = Object.fromEntries(KEY_FIELDS.map((k) => [k, true])) as Record<KeyField, boolean>;

let counter = 0;
/**
 * A ContractFacts with sensible known defaults. `suppliers` get their shares from `coContractorRule`
 * (even split by default) unless a test sets `share` itself.
 */
export function fact(overrides: Partial<ContractFacts> & { suppliers?: Partial<SupplierFacts>[] } = {}): ContractFacts {
  const { suppliers, ...rest } = overrides;
  const rule: CoContractorRule = rest.coContractorRule ?? 'even-split';
  const list = suppliers ?? [{}];
  const shares = coContractorShares(list.length, rule);
  counter += 1;
  const amount = rest.amount === undefined ? 100_000 : rest.amount;
  return {
    uid: `uid-${counter}`,
    kind: 'marche',
    buyer: buyer(),
    year: 2024,
    cpvDivision: '45',
    purchaseType: 'travaux',
    procedure: 'Procédure adaptée',
    montant: amount,
    amount,
    amountStatus: amount == null ? 'unusable' : 'usable',
    techniques: [],
    frameworkAgreement: false,
    offresRecues: 3,
    attributionAvance: false,
    tauxAvance: null,
    considerationsSociales: { status: 'none', clause: false, criterion: false, reserved: false },
    considerationsEnvironnementales: { status: 'none', clause: false, criterion: false, reserved: false },
    sousTraitanceDeclaree: false,
    marcheInnovant: false,
    dateNotification: '2024-03-01',
    datePublication: '2024-03-15',
    keyFields: { ...ALL_KEY_FIELDS },
    flags: [],
    sources: ['megalis'],
    probableDuplicate: false,
    coContractorRule: rule,
    titulaires: list.map((s, i) => supplier({ share: shares[i], ...s })),
    ...rest,
  };
}
