import { contentHash, createEvent, CONTRACT_PUBLISHED, type Contract, type ContractPublishedV1, type OrganisationRef } from '@observatoire/contracts';

/** Test data builders: synthetic contracts and ContractPublished events (BUILT FOR TESTS). */
export function org(id: string, typeIdentifiant: string | null = 'SIRET', denominationSociale: string | null = null): OrganisationRef {
  return { id, typeIdentifiant, denominationSociale, siretValide: /^\d{14}$/.test(id) };
}

export function aContract(overrides: Partial<Contract> & { uid?: string } = {}): Contract {
  const acheteur = overrides.acheteur ?? org('24350013900189');
  const id = overrides.id ?? '2024-001';
  const titulaires = overrides.titulaires ?? [org('44306184100047')];
  const dateNotification = overrides.dateNotification === undefined ? '2024-09-15' : overrides.dateNotification;
  const montant = overrides.montant === undefined ? 125_000 : overrides.montant;
  return {
    uid: overrides.uid ?? `${acheteur.id}${id}`,
    id,
    kind: 'marche',
    acheteur,
    objet: 'Travaux de voirie',
    codeCPV: '45233140',
    cpvDivision: '45',
    purchaseType: 'travaux',
    nature: 'Marché',
    procedure: 'Procédure adaptée',
    techniques: [],
    modalitesExecution: [],
    lieuExecution: { code: '35238', typeCode: 'Code commune', nom: null },
    formePrix: 'Unitaire',
    typesPrix: [],
    montant,
    montantInitial: montant,
    montantUtilisable: montant !== null,
    dureeMois: 12,
    dureeMoisInitiale: 12,
    dateNotification,
    datePublicationDonnees: '2024-10-01',
    dateDerniereModification: dateNotification,
    titulaires,
    offresRecues: 3,
    attributionAvance: true,
    tauxAvance: 0.3,
    marcheInnovant: false,
    ccag: 'Travaux',
    sousTraitanceDeclaree: false,
    typeGroupementOperateurs: null,
    origineUE: null,
    origineFrance: null,
    idAccordCadre: null,
    considerationsSociales: [],
    considerationsEnvironnementales: [],
    actesSousTraitance: [],
    concession: null,
    versions: [
      { seq: 0, kind: 'initial', montant, dureeMois: 12, titulaires, dateNotification, datePublicationDonnees: '2024-10-01' },
    ],
    flags: [],
    provenance: [{ source: 'megalis', file: 'decp-megalis-2024.json', position: 1, format: 'decp-2022-json', schemaVersion: '2.0.3' }],
    enrichment: null,
    ...overrides,
  };
}

export function contractPublished(contract: Contract, aggregateVersion = 1): ContractPublishedV1 {
  const hash = contentHash(contract);
  return createEvent(
    CONTRACT_PUBLISHED,
    { contract, contentHash: hash, supersedes: aggregateVersion > 1 ? aggregateVersion - 1 : null },
    { source: 'observatoire/ingest', aggregateId: contract.uid, aggregateVersion, correlationId: 'test-correlation', idParts: [contract.uid, String(aggregateVersion), hash] },
  );
}
