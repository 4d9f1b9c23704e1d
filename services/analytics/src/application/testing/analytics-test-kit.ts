/**
 * Test helpers of the analytics application layer (used by *.spec.ts / *.int.spec.ts only; not exported).
 * Events are built with the contracts library's own factory; databases are fresh per test.
 */
import type { MikroORM } from '@mikro-orm/core';
import { createEvent, TOPICS, type Contract, type ObservatoireEvent, type OrganisationProfile } from '@observatoire/contracts';
import type { DeliveredEvent } from '@observatoire/platform';
import { createAnalyticsOrm, migrateAnalytics } from '../../infrastructure/persistence/analytics-orm';

let offset = 0;

export function contractPublished(contract: Contract, aggregateVersion: number, occurredAt = '2025-01-01T00:00:00Z') {
  return createEvent(
    'ContractPublished',
    { contract, contentHash: `hash-${contract.uid}-${aggregateVersion}`, supersedes: aggregateVersion > 1 ? aggregateVersion - 1 : null },
    { source: 'observatoire/ingest', aggregateId: contract.uid, aggregateVersion, correlationId: 'test', occurredAt },
  );
}

export function supplierResolved(profile: OrganisationProfile, aggregateVersion: number) {
  return createEvent('SupplierResolved', profile, {
    source: 'observatoire/catalog',
    aggregateId: profile.id,
    aggregateVersion,
    correlationId: 'test',
    occurredAt: profile.resolvedAt,
    idParts: [profile.id, String(aggregateVersion)],
  });
}

export function buyerResolved(profile: OrganisationProfile, aggregateVersion: number) {
  return createEvent('BuyerResolved', profile, {
    source: 'observatoire/catalog',
    aggregateId: profile.id,
    aggregateVersion,
    correlationId: 'test',
    occurredAt: profile.resolvedAt,
    idParts: [profile.id, String(aggregateVersion)],
  });
}

/** A buyer of the ingest feed registry, as ingest publishes it (id from SIRET and version, as the registry stamp). */
export function buyerRegistered(siret: string, aggregateVersion: number, extra: { nom?: string; active?: boolean; registeredAt?: string } = {}) {
  const data = { siret, siren: siret.slice(0, 9), nom: extra.nom ?? `Acheteur ${siret}`, registeredAt: extra.registeredAt ?? '2024-01-01T00:00:00.000Z', active: extra.active ?? true };
  return createEvent('BuyerRegistered', data, {
    source: 'observatoire/ingest',
    aggregateId: siret,
    aggregateVersion,
    correlationId: 'test',
    occurredAt: '2025-01-01T00:00:00Z',
    idParts: [siret, String(aggregateVersion), JSON.stringify(data)],
  });
}

/** Wrap events as a consumer receives them. */
export function delivered(events: ObservatoireEvent[], topic: string = TOPICS.contracts): DeliveredEvent[] {
  return events.map((event) => ({ event, topic, partition: 0, offset: String(offset++), headers: {} }));
}

/** A fresh, migrated in-memory SQLite projection store. */
export async function freshSqliteOrm(): Promise<MikroORM> {
  const orm = await createAnalyticsOrm('sqlite::memory:');
  await migrateAnalytics(orm);
  return orm;
}
