import type { MikroORM } from '@mikro-orm/core';
import { newCorrelationId, TOPICS, type BuyerRegisteredV1 } from '@observatoire/contracts';
import { InstrumentedEventBus, metricsOfProcess, type EventBus, type Metrics } from '@observatoire/platform';
import { buyerRegisteredEvent, nextRegistryStamp, type RegistryBuyer } from '../../../domain/feeds/buyer-registry';
import { FeedRepository } from '../../../infrastructure/persistence/feed.repository';
import { INGEST_SOURCE } from '../../ingest-files/ingest-files.handler';

export interface BuyerRegistryReport {
  /** Buyers read from the registry. */
  buyers: number;
  /** Buyers whose content changed since their last stamp (new version). */
  changed: number;
  /** BuyerRegistered events published (one per buyer, changed or not). */
  published: number;
}

/** Events per publish call. */
const PAGE = 500;
/** Compare-and-set attempts on a buyer's stamp when another process stamps it at the same time. */
const STAMP_ATTEMPTS = 3;

/**
 * Publishes the buyer registry as `BuyerRegistered` events on `observatoire.buyer-registry.v1` (the only way other
 * services learn which buyers are expected to publish): the given buyers after a registration or a CSV
 * onboarding, every buyer at ingest start.
 *
 * Each buyer is first stamped in the ledger (one transaction): an unchanged content keeps its version, a changed one
 * gets the next version (compare-and-set, so two processes never give two versions to one change). The event id is
 * derived from SIRET, version and content hash: publishing an unchanged registry again yields the same ids, which
 * consumers skip. Publication happens after the stamp is committed; a crash in between is repaired by the next
 * publication of that buyer (at the latest at the next start), with the same id.
 */
export class PublishBuyerRegistryHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly bus: EventBus,
    private readonly metrics: Metrics = metricsOfProcess(),
  ) {}

  async execute(opts: { sirets?: readonly string[]; correlationId?: string } = {}): Promise<BuyerRegistryReport> {
    if (opts.sirets && opts.sirets.length === 0) return { buyers: 0, changed: 0, published: 0 };
    const correlationId = opts.correlationId ?? newCorrelationId();
    const stamped = await this.orm.em.fork().transactional(async (em) => {
      const repo = new FeedRepository(em);
      const out: { buyer: RegistryBuyer; version: number; hash: string; changed: boolean }[] = [];
      for (let buyer of await repo.registryBuyers(opts.sirets)) {
        for (let attempt = 1; ; attempt++) {
          const stamp = nextRegistryStamp(buyer);
          if (!stamp.changed || (await repo.stampRegistry(buyer.siret, buyer.registryVersion, stamp))) {
            out.push({ buyer, ...stamp });
            break;
          }
          // Stamped meanwhile by another process: read it again and decide on its new stamp.
          const [again] = await repo.registryBuyers([buyer.siret]);
          if (!again || attempt >= STAMP_ATTEMPTS) throw new Error(`buyer registry: could not stamp ${buyer.siret}`);
          buyer = again;
        }
      }
      return out;
    });
    if (stamped.length === 0) return { buyers: 0, changed: 0, published: 0 };
    const occurredAt = new Date().toISOString();
    const events: BuyerRegisteredV1[] = stamped.map((s) => buyerRegisteredEvent(s.buyer, s, { source: INGEST_SOURCE, correlationId, occurredAt }));
    await this.bus.ensureTopics([TOPICS.buyerRegistry]);
    let published = 0;
    for (let i = 0; i < events.length; i += PAGE) published += (await this.bus.publish(TOPICS.buyerRegistry, events.slice(i, i + PAGE))).published;
    // An InstrumentedEventBus (the apps' bus) counts its publications itself; a bare adapter does not.
    if (!(this.bus instanceof InstrumentedEventBus)) this.metrics.eventsPublished(TOPICS.buyerRegistry, published);
    return { buyers: stamped.length, changed: stamped.filter((s) => s.changed).length, published };
  }
}
