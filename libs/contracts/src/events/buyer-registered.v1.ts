import { z } from 'zod';
import { envelopeSchema } from '../envelope';

/**
 * A buyer (acheteur) of the ingest service's feed registry: the observatory follows its DECP feeds, so it is
 * EXPECTED to publish. Published by ingest on every registration or update (single feed, bulk CSV onboarding) and
 * once more for the whole registry at each ingest start (same content, same event id: consumers skip it).
 *
 * aggregateId = siret (the Kafka key: the topic is compacted on it, the latest state per buyer is all a rebuild
 * needs); aggregateVersion = the registry's version of that buyer, raised each time its content changes, so a
 * consumer keeps the highest version and a buyer disabled then re-enabled is a new fact (a new event id).
 */
export const BUYER_REGISTERED = 'BuyerRegistered' as const;
export const BuyerRegisteredDataV1 = z.object({
  /** The establishment registered (14 digits). */
  siret: z.string().regex(/^\d{14}$/),
  /** Its legal unit (the first 9 digits): the buyer key of the indicators. */
  siren: z.string().regex(/^\d{9}$/),
  nom: z.string().min(1),
  /** When the buyer entered the registry (ISO 8601). */
  registeredAt: z.string().datetime({ offset: true }),
  /**
   * False when the observatory no longer follows the buyer: the registry has no deletion, so a buyer is active while
   * at least one of its feeds is enabled (every feed disabled = not followed, not expected to publish).
   */
  active: z.boolean(),
});
export type BuyerRegisteredData = z.infer<typeof BuyerRegisteredDataV1>;
/** FROZEN v1 — see README for the versioning rule. */
export const BuyerRegisteredV1 = envelopeSchema(BUYER_REGISTERED, 1, BuyerRegisteredDataV1);
export type BuyerRegisteredV1 = z.infer<typeof BuyerRegisteredV1>;
