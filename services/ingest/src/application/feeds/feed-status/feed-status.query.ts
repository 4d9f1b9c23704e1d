import type { MikroORM } from '@mikro-orm/core';
import { alertState, freshnessHours, worstAlert, type AlertState, type FeedKind, type PullResult } from '../../../domain/feeds/feed-rules';
import { FeedRepository, type Feed } from '../../../infrastructure/persistence/feed.repository';

/** Public view of a feed: freshness and alert, never its URL, credentials or error text. */
export interface PublicFeedStatus {
  id: string;
  buyer: { siret: string; nom: string };
  kind: FeedKind;
  enabled: boolean;
  intervalMinutes: number;
  lastPullAt: string | null;
  lastResult: PullResult | null;
  lastSuccessAt: string | null;
  lastChangedAt: string | null;
  freshnessHours: number | null;
  consecutiveFailures: number;
  alert: AlertState;
}

/** Admin view: the public one plus what operators need to act. */
export interface FeedStatus extends PublicFeedStatus {
  url: string | null;
  /** Name of the environment variable holding the token (the token itself is never stored). */
  credentialsEnv: string | null;
  lastError: string | null;
  nextPullAt: string | null;
  last: Feed['last'];
}

export interface BuyerStatus {
  siret: string;
  nom: string;
  alert: AlertState;
  feeds: FeedStatus[];
}

export interface FeedStatusFilter {
  alert?: AlertState;
  siret?: string;
}

/** Per buyer and per feed: last pull, result, records, errors, freshness and alert state. */
export class FeedStatusQuery {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async feeds(filter: FeedStatusFilter = {}): Promise<FeedStatus[]> {
    const now = this.clock();
    const all = (await new FeedRepository(this.orm.em.fork()).list({ siret: filter.siret })).map((f) => toStatus(f, now));
    return filter.alert ? all.filter((f) => f.alert === filter.alert) : all;
  }

  /** Buyers with their feeds; with an alert filter, the buyers having at least one feed in that state. */
  async buyers(filter: FeedStatusFilter = {}): Promise<BuyerStatus[]> {
    const now = this.clock();
    const feeds = (await new FeedRepository(this.orm.em.fork()).list({ siret: filter.siret })).map((f) => toStatus(f, now));
    const bySiret = new Map<string, BuyerStatus>();
    for (const f of feeds) {
      const b = bySiret.get(f.buyer.siret) ?? { siret: f.buyer.siret, nom: f.buyer.nom, alert: 'ok' as AlertState, feeds: [] };
      b.feeds.push(f);
      b.alert = worstAlert(b.feeds.map((x) => x.alert));
      bySiret.set(b.siret, b);
    }
    const buyers = [...bySiret.values()];
    return filter.alert ? buyers.filter((b) => b.feeds.some((f) => f.alert === filter.alert)).map((b) => ({ ...b, feeds: b.feeds.filter((f) => f.alert === filter.alert) })) : buyers;
  }

  async publicFeeds(filter: FeedStatusFilter = {}): Promise<PublicFeedStatus[]> {
    return (await this.feeds(filter)).map(toPublic);
  }
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

function toStatus(f: Feed, now: Date): FeedStatus {
  return {
    id: f.id,
    buyer: { siret: f.buyerSiret, nom: f.buyerNom },
    kind: f.kind,
    enabled: f.enabled,
    intervalMinutes: f.intervalMinutes,
    lastPullAt: iso(f.lastPullAt),
    lastResult: f.lastResult,
    lastSuccessAt: iso(f.lastSuccessAt),
    lastChangedAt: iso(f.lastChangedAt),
    freshnessHours: freshnessHours(f.lastChangedAt, now),
    consecutiveFailures: f.consecutiveFailures,
    alert: alertState(f, now),
    url: f.url,
    credentialsEnv: f.credentialsEnv,
    lastError: f.lastError,
    nextPullAt: iso(f.nextPullAt),
    last: f.last,
  };
}

function toPublic(f: FeedStatus): PublicFeedStatus {
  return {
    id: f.id,
    buyer: f.buyer,
    kind: f.kind,
    enabled: f.enabled,
    intervalMinutes: f.intervalMinutes,
    lastPullAt: f.lastPullAt,
    lastResult: f.lastResult,
    lastSuccessAt: f.lastSuccessAt,
    lastChangedAt: f.lastChangedAt,
    freshnessHours: f.freshnessHours,
    consecutiveFailures: f.consecutiveFailures,
    alert: f.alert,
  };
}
