import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { MikroORM } from '@mikro-orm/core';
import { TOPICS, type ContractPublishedV1 } from '@observatoire/contracts';
import type { EventBus } from '@observatoire/platform';
import type { FileInput } from '../../src/domain';
import type { LedgerLockLogger } from '../../src/application/ingest-files/ledger-lock';
import { IngestRunRepository } from '../../src/infrastructure/persistence/ingest-run.repository';

/** Every ContractPublished on the bus so far. */
export async function publishedContracts(bus: EventBus): Promise<ContractPublishedV1[]> {
  const out: ContractPublishedV1[] = [];
  const sub = await bus.subscribe({ group: `reader-${Math.random()}`, topics: [TOPICS.contracts], handler: async (b) => void out.push(...b.map((d) => d.event as ContractPublishedV1)) });
  await sub.drain(10_000);
  await sub.stop();
  return out;
}

/** How many times each contract was published. */
export function publicationsPerContract(events: ContractPublishedV1[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.aggregateId, (counts.get(e.aggregateId) ?? 0) + 1);
  return counts;
}

/** True when no two recorded runs overlap in time (each started after the previous one finished). */
export async function runsWereSerialised(orm: MikroORM): Promise<{ serialised: boolean; runs: { runId: string; startedAt: string; finishedAt: string | null }[] }> {
  const runs = (await new IngestRunRepository(orm.em.fork()).latest(100)).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  let serialised = runs.every((r) => r.finishedAt !== null);
  for (let i = 1; i < runs.length && serialised; i++) serialised = runs[i].startedAt >= runs[i - 1].finishedAt!;
  return { serialised, runs };
}

/** A logger that keeps its lines. */
export function memoryLogger(): LedgerLockLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (m) => void lines.push(m), warn: (m) => void lines.push(m) };
}

/**
 * A file whose first `lines` lines come at once, the rest only after `open()` of the gate: lets a test act
 * (kill the lock's connection, steal the lease) while a run is in the middle of a file.
 */
export function gatedInput(path: string, name: string, lines: number): { input: FileInput; open(): void; reached: Promise<void> } {
  const all = readFileSync(path, 'utf8').split('\n');
  let release!: () => void;
  let reachedResolve!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (reachedResolve = r));
  async function* body(): AsyncGenerator<Buffer> {
    yield Buffer.from(all.slice(0, lines).join('\n') + '\n');
    reachedResolve();
    await gate;
    yield Buffer.from(all.slice(lines).join('\n'));
  }
  return { input: { name, open: () => Readable.from(body()) }, open: release, reached };
}
