import { createHash, randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import {
  createEvent,
  TOPICS,
  type Contract,
  type ContractPublishedV1,
  type FileSummary,
  type ObservatoireEvent,
  type RecordQuarantinedV1,
} from '@observatoire/contracts';
import { InstrumentedEventBus, metricsOfProcess, type EventBus, type Metrics } from '@observatoire/platform';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { mergeContracts, type FileInput } from '../../domain';
import { contractContentHash } from './parse-worker/parsed-item';
import { DEFAULT_PARSE_TUNING, parsedItems, warmParseWorker, type ParseTuning } from './parse-worker/parsed-items';

export { warmParseWorker };
import { ContractLedgerRepository } from '../../infrastructure/persistence/contract-ledger.repository';
import { IngestRunRepository } from '../../infrastructure/persistence/ingest-run.repository';
import { QuarantineRepository, type QuarantineEntry } from '../../infrastructure/persistence/quarantine.repository';
import { createLedgerLock } from '../../infrastructure/locking/create-ledger-lock';
import { emptyFileSummary, type IngestSummary } from './ingest-summary';
import type { LedgerLease, LedgerLock } from './ledger-lock';

export const INGEST_SOURCE = 'observatoire/ingest';

export interface IngestOptions {
  /** Logical source of the records (feed id, platform, "upload", "cli"). */
  source: string;
  /** What started the run: "cli", "upload", "feed:<id>", "seed". */
  trigger: string;
  correlationId?: string;
  onProgress?: (p: { file: string; records: number }) => void;
  /** Longest wait for the ledger lock (another run folding or publishing); the lock's default otherwise. */
  lockWaitMs?: number;
}

export interface IngestTuning {
  /** Records folded in memory before being staged in the ledger. */
  stageBatch: number;
  /** Contracts published per page in the publication phase. */
  publishPage: number;
  /** Where and in what batches records are parsed (a worker thread by default). */
  parse?: ParseTuning;
}

export { contractContentHash };

/** A contract on its way into the ledger: its JSON and content hash, as the parse thread made them. */
interface StagedContract {
  uid: string;
  json: string;
  hash: string;
}

/** A uid's state while a batch is folded: its JSON as read or received, parsed only when merged. */
interface Working {
  json: string | null;
  state: Contract | null;
  hash: string;
  changed: boolean;
}

/**
 * True when a merge changed nothing but provenance: the same record ingested again (same content hash, and
 * the merge is idempotent) gives the state held, so its hash need not be computed again.
 */
function sameContent(merged: Contract, held: Contract): boolean {
  return merged.versions.length === held.versions.length && merged.flags.length === held.flags.length;
}

/**
 * Ingest files into the ledger, then publish what really changed.
 *
 * Phase 1 streams every record of every file (bounded memory), normalises it, and folds accepted
 * records into the ledger's staged state of their uid (several rows, files or sources of one contract
 * fold into one state before anything is published). Quarantined records are stored and published as
 * RecordQuarantined. Phase 2 pages through the staged contracts and publishes one ContractPublished per
 * contract whose content hash changed, with a deterministic event id (uid, revision, hash), then marks
 * it published. A crash between publish and mark republishes the same event ids: consumers dedupe.
 *
 * One run at a time per ledger: a run first takes the ledger lock (LedgerLock: in-process queue, then a
 * PostgreSQL advisory lock or a SQLite lease row), waiting for the run that holds it, and keeps it until
 * its IngestRunCompleted is published. The lock is checked before every write to the ledger: a run whose
 * lock was lost (connection loss, lease taken over) stops there with INGEST_LEDGER_LOCK_LOST.
 */
export class IngestFilesHandler {
  private readonly tracer = trace.getTracer('observatoire-ingest');

  constructor(
    private readonly orm: MikroORM,
    private readonly bus: EventBus,
    private readonly tuning: IngestTuning = { stageBatch: 1000, publishPage: 500 },
    private readonly metrics: Metrics = metricsOfProcess(),
    private readonly lock: LedgerLock = createLedgerLock(orm),
  ) {
    if ((tuning.parse ?? DEFAULT_PARSE_TUNING).worker) warmParseWorker();
  }

  /** Publish and count: an InstrumentedEventBus (the apps' bus) already counts its publications, a bare adapter (CLI) does not. */
  private async publish(topic: string, events: ObservatoireEvent[]) {
    const r = await this.bus.publish(topic, events);
    if (!(this.bus instanceof InstrumentedEventBus)) this.metrics.eventsPublished(topic, r.published);
    return r;
  }

  /** `observatoire_ingest_records_total{outcome}`: duplicates are accepted or flagged records that brought nothing new. */
  private countRecords(fs: FileSummary): void {
    this.metrics.ingestRecords('accepted', fs.accepted);
    this.metrics.ingestRecords('flagged', fs.flagged);
    this.metrics.ingestRecords('quarantined', fs.quarantined);
    this.metrics.ingestRecords('duplicate', fs.duplicates);
  }

  /** True once any run has been recorded (used to seed the embedded observatory on first start only). */
  async hasIngestedAnything(): Promise<boolean> {
    return (await new IngestRunRepository(this.orm.em.fork()).latest(1)).length > 0;
  }

  /** One trace per run: the file spans and the publication of what changed share the `ingest run` root. */
  async run(inputs: FileInput[], opts: IngestOptions): Promise<IngestSummary> {
    return this.tracer.startActiveSpan('ingest run', { attributes: { 'decp.trigger': opts.trigger, 'decp.files': inputs.length } }, async (span) => {
      try {
        const runId = randomUUID();
        span.setAttribute('decp.run_id', runId);
        const lease = await this.lock.acquire({ runId, trigger: opts.trigger }, { waitMs: opts.lockWaitMs });
        span.setAttribute('decp.lock_wait_ms', lease.waitedMs);
        try {
          return await this.runInSpan(runId, inputs, opts, lease);
        } finally {
          await lease.release();
        }
      } catch (e) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
        throw e;
      } finally {
        span.end();
      }
    });
  }

  private async runInSpan(runId: string, inputs: FileInput[], opts: IngestOptions, lease: LedgerLease): Promise<IngestSummary> {
    const started = Date.now();
    const correlationId = opts.correlationId ?? runId;
    await this.bus.ensureTopics([TOPICS.contracts, TOPICS.quarantine, TOPICS.ingestRuns]);
    const runs = new IngestRunRepository(this.orm.em.fork());
    await runs.start(runId, opts.trigger, new Date(started));

    const perFile: FileSummary[] = [];
    const errors: IngestSummary['errors'] = [];
    for (const input of inputs) {
      const fs = await this.tracer.startActiveSpan('ingest file', { attributes: { 'decp.file': input.name, 'decp.run_id': runId } }, async (span) => {
        try {
          return await this.ingestFile(input, runId, correlationId, opts, lease);
        } catch (e) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
          // A lost ledger lock stops the run; any other error is the file's.
          if (lease.lostReason) throw e;
          const s = emptyFileSummary(input.name, opts.source);
          s.errors.push(`${input.name}: ${(e as Error).message}`);
          return s;
        } finally {
          span.end();
        }
      });
      perFile.push(fs);
      this.countRecords(fs);
      for (const message of fs.errors) errors.push({ file: fs.file, code: 'FILE_ERROR', message });
    }

    const { published, unchanged } = await this.tracer.startActiveSpan('publish staged contracts', async (span) => {
      try {
        return await this.publishStaged(runId, correlationId, lease);
      } finally {
        span.end();
      }
    });
    const summary: IngestSummary = {
      runId,
      files: inputs.length,
      records: sum(perFile, 'records'),
      accepted: sum(perFile, 'accepted'),
      flagged: sum(perFile, 'flagged'),
      quarantined: sum(perFile, 'quarantined'),
      duplicates: sum(perFile, 'duplicates'),
      published,
      unchanged,
      errors,
      perFile,
      durationMs: Date.now() - started,
    };
    const finished = new Date();
    await runs.finish(runId, finished, summary);
    await this.publish(TOPICS.ingestRuns, [
      createEvent(
        'IngestRunCompleted',
        { runId, trigger: opts.trigger, startedAt: new Date(started).toISOString(), finishedAt: finished.toISOString(), files: perFile, published, unchanged },
        { source: INGEST_SOURCE, aggregateId: runId, aggregateVersion: 1, correlationId },
      ),
    ]);
    return summary;
  }

  private async ingestFile(input: FileInput, runId: string, correlationId: string, opts: IngestOptions, lease: LedgerLease): Promise<FileSummary> {
    const summary = emptyFileSummary(input.name, opts.source);
    let staged: StagedContract[] = [];
    let quarantined: { format: string | null; entry: QuarantineEntry }[] = [];
    let progressAt = 0;
    for await (const items of parsedItems(input, opts.source, this.tuning.parse ?? DEFAULT_PARSE_TUNING)) {
      for (const item of items) {
        if (item.kind === 'file-error') {
          summary.errors.push(item.message);
          continue;
        }
        summary.format ??= item.format;
        summary.records++;
        if (item.kind === 'quarantined') {
          summary.quarantined++;
          quarantined.push({
            format: item.format,
            entry: {
              id: quarantineId(opts.source, input.name, item.position, item.raw),
              source: opts.source,
              file: input.name,
              position: item.position,
              format: item.format,
              recordId: item.recordId,
              acheteurId: item.acheteurId,
              reasons: JSON.stringify(item.reasons),
              raw: item.raw,
              runId,
            },
          });
        } else {
          if (item.status === 'flagged') summary.flagged++;
          else summary.accepted++;
          staged.push({ uid: item.uid, json: item.json, hash: item.hash });
        }
        if (staged.length >= this.tuning.stageBatch) {
          summary.duplicates += await this.stage(staged, runId, lease);
          staged = [];
          await yieldToEventLoop();
        }
        if (quarantined.length >= this.tuning.stageBatch) {
          await this.quarantine(quarantined, correlationId);
          quarantined = [];
          await yieldToEventLoop();
        }
      }
      if (summary.records - progressAt >= 1000) {
        progressAt = summary.records;
        opts.onProgress?.({ file: input.name, records: summary.records });
      }
    }
    if (staged.length) summary.duplicates += await this.stage(staged, runId, lease);
    if (quarantined.length) await this.quarantine(quarantined, correlationId);
    opts.onProgress?.({ file: input.name, records: summary.records });
    return summary;
  }

  /**
   * Fold a batch into the ledger's staged states. Returns how many records brought nothing new. A contract
   * arrives as JSON with its content hash (computed once, by the parse thread); it is parsed only to merge it
   * with a state of the same uid (already in the ledger, or earlier in the batch). The hash of a state read
   * back from the ledger is the one stored with it; every staged state is stored with its hash, so
   * publication never hashes it again.
   */
  private async stage(contracts: StagedContract[], runId: string, lease: LedgerLease): Promise<number> {
    lease.assertHeld();
    const em = this.orm.em.fork();
    const ledger = new ContractLedgerRepository(em);
    const uids = [...new Set(contracts.map((c) => c.uid))];
    const rows = await ledger.load(uids);
    const working = new Map<string, Working>();
    for (const uid of uids) {
      const row = rows.get(uid);
      const ours = row?.stagedRun === runId;
      const json = ours ? row.stagedState : (row?.publishedState ?? null);
      if (row && json) {
        const stored = ours ? row.stagedHash : row.contentHash;
        working.set(uid, { json, state: null, hash: stored ?? contractContentHash(JSON.parse(json) as Contract), changed: false });
      }
    }
    let duplicates = 0;
    for (const c of contracts) {
      const before = working.get(c.uid);
      if (!before) {
        working.set(c.uid, { json: c.json, state: null, hash: c.hash, changed: true });
        continue;
      }
      const held = (before.state ??= JSON.parse(before.json as string) as Contract);
      const incoming = JSON.parse(c.json) as Contract;
      const merged = mergeContracts(held, incoming);
      const hash = c.hash === before.hash && sameContent(merged, held) ? before.hash : contractContentHash(merged);
      if (hash === before.hash) duplicates++;
      const provenanceChanged = merged.provenance.length !== held.provenance.length;
      const changed = before.changed || hash !== before.hash || provenanceChanged;
      working.set(c.uid, { json: null, state: merged, hash, changed });
    }
    lease.assertHeld();
    await em.transactional(async (tx) => {
      await new ContractLedgerRepository(tx).stage(
        [...working.entries()].filter(([, w]) => w.changed).map(([uid, w]) => ({ uid, stagedState: w.json ?? JSON.stringify(w.state), stagedHash: w.hash, runId })),
      );
    });
    return duplicates;
  }

  private async quarantine(items: { format: string | null; entry: QuarantineEntry }[], correlationId: string) {
    const em = this.orm.em.fork();
    const fresh = await new QuarantineRepository(em).record(items.map((i) => i.entry));
    const events: RecordQuarantinedV1[] = items
      .filter((i) => fresh.has(i.entry.id))
      .map((i) =>
        createEvent(
          'RecordQuarantined',
          {
            source: i.entry.source,
            file: i.entry.file,
            position: i.entry.position,
            format: i.format as RecordQuarantinedV1['data']['format'],
            recordId: i.entry.recordId,
            acheteurId: i.entry.acheteurId,
            reasons: JSON.parse(i.entry.reasons),
            raw: i.entry.raw,
          },
          { source: INGEST_SOURCE, aggregateId: i.entry.id, aggregateVersion: 1, correlationId, idParts: [i.entry.id] },
        ),
      );
    await this.publish(TOPICS.quarantine, events);
  }

  private async publishStaged(runId: string, correlationId: string, lease: LedgerLease): Promise<{ published: number; unchanged: number }> {
    let after: string | null = null;
    let published = 0;
    let unchanged = 0;
    for (;;) {
      lease.assertHeld();
      const em = this.orm.em.fork();
      const ledger = new ContractLedgerRepository(em);
      const page = await ledger.stagedPage(runId, after, this.tuning.publishPage);
      if (page.length === 0) break;
      after = page[page.length - 1].uid;
      const events: ContractPublishedV1[] = [];
      const marks: { uid: string; revision: number; contentHash: string }[] = [];
      for (const row of page) {
        // The hash stored with the staged state; only a state staged without one is parsed to hash it.
        const hash = row.stagedHash ?? contractContentHash(JSON.parse(row.stagedState!) as Contract);
        if (hash === row.contentHash) {
          unchanged++;
          marks.push({ uid: row.uid, revision: row.revision, contentHash: hash });
          continue;
        }
        const state = JSON.parse(row.stagedState!) as Contract;
        const revision = row.revision + 1;
        events.push(
          createEvent(
            'ContractPublished',
            { contract: state, contentHash: hash, supersedes: row.revision > 0 ? row.revision : null },
            { source: INGEST_SOURCE, aggregateId: row.uid, aggregateVersion: revision, correlationId, idParts: [row.uid, String(revision), hash] },
          ),
        );
        marks.push({ uid: row.uid, revision, contentHash: hash });
      }
      lease.assertHeld();
      await this.publish(TOPICS.contracts, events);
      await em.transactional(async (tx) => new ContractLedgerRepository(tx).markPublished(runId, marks));
      await yieldToEventLoop();
      published += events.length;
    }
    return { published, unchanged };
  }
}

/** Lets timers and I/O (HTTP requests of the same process) run between two batches. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function quarantineId(source: string, file: string, position: number, raw: string): string {
  return createHash('sha256').update(`${source}\u001f${file}\u001f${position}\u001f${raw}`).digest('hex');
}

function sum(rows: FileSummary[], key: 'records' | 'accepted' | 'flagged' | 'quarantined' | 'duplicates'): number {
  return rows.reduce((a, r) => a + r[key], 0);
}
