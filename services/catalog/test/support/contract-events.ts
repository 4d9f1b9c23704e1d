import { aCanonicalContract, contentHash, createEvent, CONTRACT_PUBLISHED, type Contract, type ContractPublishedV1, type OrganisationRef } from '@observatoire/contracts';

/** Test data builders: synthetic contracts and ContractPublished events (BUILT FOR TESTS). */
export function org(id: string, typeIdentifiant: string | null = 'SIRET', denominationSociale: string | null = null): OrganisationRef {
  return { id, typeIdentifiant, denominationSociale, siretValide: /^\d{14}$/.test(id) };
}

/** A contract of Rennes Métropole notified 2024-09-15 (the shared `aCanonicalContract` with the catalog's defaults). */
export function aContract(overrides: Partial<Contract> & { uid?: string } = {}): Contract {
  return aCanonicalContract({
    acheteur: org('24350013900189'),
    id: '2024-001',
    titulaires: [org('44306184100047')],
    codeCPV: '45233140',
    formePrix: 'Unitaire',
    montant: 125_000,
    dateNotification: '2024-09-15',
    datePublicationDonnees: '2024-10-01',
    attributionAvance: true,
    tauxAvance: 0.3,
    ccag: 'Travaux',
    considerationsSociales: [],
    considerationsEnvironnementales: [],
    provenance: [{ source: 'megalis', file: 'decp-megalis-2024.json', position: 1, format: 'decp-2022-json', schemaVersion: '2.0.3' }],
    ...overrides,
  });
}

export function contractPublished(contract: Contract, aggregateVersion = 1): ContractPublishedV1 {
  const hash = contentHash(contract);
  return createEvent(
    CONTRACT_PUBLISHED,
    { contract, contentHash: hash, supersedes: aggregateVersion > 1 ? aggregateVersion - 1 : null },
    { source: 'observatoire/ingest', aggregateId: contract.uid, aggregateVersion, correlationId: 'test-correlation', idParts: [contract.uid, String(aggregateVersion), hash] },
  );
}
