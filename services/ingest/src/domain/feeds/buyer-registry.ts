import { contentHash, createEvent, type BuyerRegisteredData, type BuyerRegisteredV1 } from '@observatoire/contracts';

/**
 * Pure rules of the buyer registry as the other services see it (`BuyerRegistered` on
 * `observatoire.buyer-registry.v1`). No I/O.
 */

/** A registered buyer as stored: the buyer row, how many of its feeds are enabled, and the registry stamp. */
export interface RegistryBuyer {
  siret: string;
  nom: string;
  createdAt: Date;
  enabledFeeds: number;
  /** Raised each time the published content of the buyer changes; 0 before its first publication. */
  registryVersion: number;
  /** Content hash of the last stamped content (null before the first). */
  registryHash: string | null;
}

/**
 * What the registry says about a buyer. `active`: the registry has no deletion; a buyer is followed — hence
 * expected to publish — while at least one of its feeds is enabled. Disabling every feed of a buyer makes it
 * inactive; enabling one again makes it active again (a new version, a new event).
 */
export function buyerRegisteredData(b: Pick<RegistryBuyer, 'siret' | 'nom' | 'createdAt' | 'enabledFeeds'>): BuyerRegisteredData {
  return { siret: b.siret, siren: b.siret.slice(0, 9), nom: b.nom, registeredAt: b.createdAt.toISOString(), active: b.enabledFeeds > 0 };
}

export function registryContentHash(data: BuyerRegisteredData): string {
  return contentHash(data);
}

/**
 * The registry stamp a buyer must carry: the same one when its content did not change, else the next version.
 * Version and hash make the event id, so publishing an unchanged buyer again gives the same event id (consumers skip
 * it), while a change — even back to an earlier content — is a new fact with a higher version.
 */
export function nextRegistryStamp(b: RegistryBuyer): { version: number; hash: string; changed: boolean } {
  const hash = registryContentHash(buyerRegisteredData(b));
  if (b.registryVersion > 0 && b.registryHash === hash) return { version: b.registryVersion, hash, changed: false };
  return { version: b.registryVersion + 1, hash, changed: true };
}

/** The event of a stamped buyer: aggregateId = SIRET (the Kafka key), aggregateVersion = the registry version. */
export function buyerRegisteredEvent(
  b: RegistryBuyer,
  stamp: { version: number; hash: string },
  meta: { source: string; correlationId: string; occurredAt?: string },
): BuyerRegisteredV1 {
  return createEvent('BuyerRegistered', buyerRegisteredData(b), {
    source: meta.source,
    aggregateId: b.siret,
    aggregateVersion: stamp.version,
    correlationId: meta.correlationId,
    occurredAt: meta.occurredAt,
    idParts: [b.siret, String(stamp.version), stamp.hash],
  });
}
