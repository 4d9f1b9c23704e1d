import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { RegistryBuyer } from '../../domain/feeds/buyer-registry';
import type { FeedDefinition, FeedKind, PullResult } from '../../domain/feeds/feed-rules';
import { txKnex } from './tx-knex';

/** A feed as the application sees it (dates as Date, booleans as booleans whatever the dialect). */
export interface Feed {
  id: string;
  buyerSiret: string;
  buyerNom: string;
  url: string | null;
  kind: FeedKind;
  intervalMinutes: number;
  enabled: boolean;
  credentialsEnv: string | null;
  etag: string | null;
  lastModified: string | null;
  lastContentHash: string | null;
  lastPullAt: Date | null;
  lastSuccessAt: Date | null;
  lastChangedAt: Date | null;
  lastResult: PullResult | null;
  lastError: string | null;
  consecutiveFailures: number;
  nextPullAt: Date | null;
  last: { records: number; accepted: number; flagged: number; quarantined: number; published: number } | null;
  createdAt: Date;
}

/** What a pull changes on the feed row. */
export interface PullOutcomeUpdate {
  result: PullResult;
  at: Date;
  /** Null for `upload` feeds: they are never scheduled. */
  nextPullAt: Date | null;
  consecutiveFailures: number;
  error: string | null;
  etag?: string | null;
  lastModified?: string | null;
  contentHash?: string;
  counts?: { records: number; accepted: number; flagged: number; quarantined: number; published: number };
}

/** Stable id of a feed: the same buyer and URL always name the same feed (re-imports update it). */
export function feedId(siret: string, url: string | null): string {
  return `f_${createHash('sha256').update(`${siret}\u001f${url ?? 'upload'}`).digest('hex').slice(0, 24)}`;
}

/** Buyers and feeds, through knex bound to the em's transaction (pool of one on SQLite); ISO strings for dates. */
export class FeedRepository {
  constructor(private readonly em: EntityManager) {}

  private knex() {
    return txKnex(this.em);
  }

  /** Creates or updates the buyer and the feed; the pull state of an existing feed is kept. */
  async upsert(d: FeedDefinition, now: Date): Promise<{ id: string; created: boolean }> {
    const iso = now.toISOString();
    await this.knex().insert({ siret: d.siret, nom: d.nom, created_at: iso }).into('ingest_buyer').onConflict('siret').merge(['nom']);
    const id = feedId(d.siret, d.url);
    const existing = (await this.knex().select('id', 'next_pull_at').from('ingest_feed').where('id', id).first()) as { next_pull_at: unknown } | undefined;
    if (existing) {
      // A feed that becomes `upload` leaves the schedule; one that stops being `upload` is due at once.
      const schedule = d.kind === 'upload' ? { next_pull_at: null } : existing.next_pull_at == null ? { next_pull_at: iso } : {};
      await this.knex()
        .table('ingest_feed')
        .where('id', id)
        .update({ kind: d.kind, interval_minutes: d.intervalMinutes, enabled: d.enabled, credentials_env: d.credentialsEnv, updated_at: iso, ...schedule });
      return { id, created: false };
    }
    await this.knex()
      .insert({
        id,
        buyer_siret: d.siret,
        url: d.url,
        kind: d.kind,
        interval_minutes: d.intervalMinutes,
        enabled: d.enabled,
        credentials_env: d.credentialsEnv,
        consecutive_failures: 0,
        // A new feed is due at once; upload feeds are never scheduled.
        next_pull_at: d.kind === 'upload' ? null : iso,
        created_at: iso,
        updated_at: iso,
      })
      .into('ingest_feed');
    return { id, created: true };
  }

  /**
   * Registered buyers (every one, or these SIRETs) with their count of enabled feeds and their registry stamp,
   * by SIRET.
   */
  async registryBuyers(sirets?: readonly string[]): Promise<RegistryBuyer[]> {
    const parts = sirets ? chunk([...new Set(sirets)], 500) : [null];
    const out: RegistryBuyer[] = [];
    for (const part of parts) {
      if (part && part.length === 0) continue;
      const buyers = this.knex().select('siret', 'nom', 'created_at', 'registry_version', 'registry_hash').from('ingest_buyer').orderBy('siret');
      const feeds = this.knex().select('buyer_siret').count({ n: '*' }).from('ingest_feed').where('enabled', true).groupBy('buyer_siret');
      if (part) {
        buyers.whereIn('siret', part);
        feeds.whereIn('buyer_siret', part);
      }
      const enabled = new Map(((await feeds) as { buyer_siret: string; n: number | string }[]).map((r) => [r.buyer_siret, Number(r.n)]));
      for (const r of (await buyers) as Record<string, unknown>[]) {
        const siret = String(r.siret);
        out.push({
          siret,
          nom: String(r.nom),
          createdAt: new Date(r.created_at as string),
          enabledFeeds: enabled.get(siret) ?? 0,
          registryVersion: Number(r.registry_version ?? 0),
          registryHash: (r.registry_hash as string | null) ?? null,
        });
      }
    }
    return out.sort((a, b) => a.siret.localeCompare(b.siret));
  }

  /** Stores a buyer's new registry stamp if nobody stamped it since `fromVersion` was read (compare-and-set). */
  async stampRegistry(siret: string, fromVersion: number, stamp: { version: number; hash: string }): Promise<boolean> {
    const n = await this.knex().table('ingest_buyer').where({ siret, registry_version: fromVersion }).update({ registry_version: stamp.version, registry_hash: stamp.hash });
    return Number(n) === 1;
  }

  private select() {
    return this.knex().select('f.*', 'b.nom as buyer_nom').from('ingest_feed as f').join('ingest_buyer as b', 'b.siret', 'f.buyer_siret');
  }

  async get(id: string): Promise<Feed | null> {
    const row = (await this.select().where('f.id', id).first()) as Record<string, unknown> | undefined;
    return row ? toFeed(row) : null;
  }

  async buyerExists(siret: string): Promise<boolean> {
    return !!(await this.knex().select('siret').from('ingest_buyer').where('siret', siret).first());
  }

  async ofBuyer(siret: string): Promise<Feed[]> {
    return ((await this.select().where('f.buyer_siret', siret).orderBy('f.id')) as Record<string, unknown>[]).map(toFeed);
  }

  async list(opts: { siret?: string } = {}): Promise<Feed[]> {
    const q = this.select().orderBy([{ column: 'f.buyer_siret' }, { column: 'f.id' }]);
    if (opts.siret) q.where('f.buyer_siret', opts.siret);
    return ((await q) as Record<string, unknown>[]).map(toFeed);
  }

  /** Enabled pullable feeds whose next pull is due, oldest first. */
  async due(now: Date, limit: number): Promise<Feed[]> {
    const rows = (await this.select()
      .where('f.enabled', true)
      .whereNot('f.kind', 'upload')
      .whereNotNull('f.next_pull_at')
      .where('f.next_pull_at', '<=', now.toISOString())
      .orderBy([{ column: 'f.next_pull_at' }, { column: 'f.id' }])
      .limit(limit)) as Record<string, unknown>[];
    return rows.map(toFeed);
  }

  /**
   * Claims a due feed by moving its next pull to `leaseUntil`, only if nobody moved it since it was
   * read: two schedulers (two processes) never pull the same feed at once.
   */
  async claim(feed: Feed, leaseUntil: Date): Promise<boolean> {
    const q = this.knex().table('ingest_feed').where('id', feed.id);
    if (feed.nextPullAt) q.where('next_pull_at', feed.nextPullAt.toISOString());
    else q.whereNull('next_pull_at');
    return (await q.update({ next_pull_at: leaseUntil.toISOString() })) === 1;
  }

  async recordPull(id: string, u: PullOutcomeUpdate): Promise<void> {
    const at = u.at.toISOString();
    const patch: Record<string, unknown> = {
      last_pull_at: at,
      last_result: u.result,
      last_error: u.error,
      consecutive_failures: u.consecutiveFailures,
      next_pull_at: u.nextPullAt ? u.nextPullAt.toISOString() : null,
      updated_at: at,
    };
    if (u.result !== 'failed') patch.last_success_at = at;
    if (u.result === 'changed') patch.last_changed_at = at;
    if (u.etag !== undefined) patch.etag = u.etag;
    if (u.lastModified !== undefined) patch.last_modified = u.lastModified;
    if (u.contentHash !== undefined) patch.last_content_hash = u.contentHash;
    if (u.counts) {
      patch.last_records = u.counts.records;
      patch.last_accepted = u.counts.accepted;
      patch.last_flagged = u.counts.flagged;
      patch.last_quarantined = u.counts.quarantined;
      patch.last_published = u.counts.published;
    }
    await this.knex().table('ingest_feed').where('id', id).update(patch);
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function date(v: unknown): Date | null {
  return v === null || v === undefined ? null : new Date(v as string);
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function toFeed(r: Record<string, unknown>): Feed {
  const records = num(r.last_records);
  return {
    id: String(r.id),
    buyerSiret: String(r.buyer_siret),
    buyerNom: String(r.buyer_nom),
    url: (r.url as string | null) ?? null,
    kind: r.kind as FeedKind,
    intervalMinutes: Number(r.interval_minutes),
    enabled: r.enabled === true || r.enabled === 1 || r.enabled === '1',
    credentialsEnv: (r.credentials_env as string | null) ?? null,
    etag: (r.etag as string | null) ?? null,
    lastModified: (r.last_modified as string | null) ?? null,
    lastContentHash: (r.last_content_hash as string | null) ?? null,
    lastPullAt: date(r.last_pull_at),
    lastSuccessAt: date(r.last_success_at),
    lastChangedAt: date(r.last_changed_at),
    lastResult: (r.last_result as PullResult | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    consecutiveFailures: Number(r.consecutive_failures ?? 0),
    nextPullAt: date(r.next_pull_at),
    last:
      records === null
        ? null
        : { records, accepted: num(r.last_accepted) ?? 0, flagged: num(r.last_flagged) ?? 0, quarantined: num(r.last_quarantined) ?? 0, published: num(r.last_published) ?? 0 },
    createdAt: new Date(r.created_at as string),
  };
}
