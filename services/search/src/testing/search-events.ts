import {
  BUYER_RESOLVED,
  CONTRACT_PUBLISHED,
  SUPPLIER_RESOLVED,
  contentHash,
  createEvent,
  type BuyerResolvedV1,
  type Contract,
  type ContractPublishedV1,
  type OrganisationProfile,
  type SupplierResolvedV1,
} from '@observatoire/contracts';

/** Events as ingest and catalog publish them (deterministic ids: the same fact twice is the same event). */
export function contractPublished(contract: Contract, revision = 1): ContractPublishedV1 {
  return createEvent(
    CONTRACT_PUBLISHED,
    { contract, contentHash: contentHash(contract), supersedes: revision > 1 ? revision - 1 : null },
    { source: 'observatoire/ingest', aggregateId: contract.uid, aggregateVersion: revision, correlationId: 'test-correlation', occurredAt: '2025-01-15T08:00:00Z' },
  );
}

export function supplierResolved(profile: OrganisationProfile, version = 1): SupplierResolvedV1 {
  return createEvent(SUPPLIER_RESOLVED, profile, {
    source: 'observatoire/catalog',
    aggregateId: profile.id,
    aggregateVersion: version,
    correlationId: 'test-correlation',
    occurredAt: '2025-01-15T08:00:00Z',
    idParts: [profile.id, contentHash(profile)],
  });
}

export function buyerResolved(profile: OrganisationProfile, version = 1): BuyerResolvedV1 {
  return createEvent(BUYER_RESOLVED, profile, {
    source: 'observatoire/catalog',
    aggregateId: profile.id,
    aggregateVersion: version,
    correlationId: 'test-correlation',
    occurredAt: '2025-01-15T08:00:00Z',
    idParts: [profile.id, contentHash(profile)],
  });
}
