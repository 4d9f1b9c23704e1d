import { MikroORM } from '@mikro-orm/core';
import { createIngestOrm, createLedgerLock, IngestFilesHandler, resolveInputs, warmParseWorker, type IngestSummary } from '@observatoire/ingest';
import type { ObservatoireConfig } from '@observatoire/platform';
import { SingleBar, Presets } from 'cli-progress';
import { createEventBus } from '../compose/event-bus.factory';
import { lockDataDir } from '../compose/data-dir-lock';
import { migrateAll } from '../compose/services';

/**
 * `observatoire ingest <file|dir|url>...`: reads, validates and folds the files, then publishes what
 * changed. Exit code 0 whenever the run completed (quarantined records included).
 */
export async function ingestCommand(config: ObservatoireConfig, args: string[], opts: { json: boolean; source: string; lockWaitMs?: number }): Promise<IngestSummary> {
  const unlock = config.profile === 'embedded' ? lockDataDir(config.dataDir, 'observatoire ingest') : () => undefined;
  // The parse thread starts while the stores are opened and migrated (its start-up takes 1–3 s).
  warmParseWorker();
  let orm: MikroORM | null = null;
  const bus = createEventBus(config, 'observatoire-ingest-cli');
  try {
    if (config.profile === 'embedded') await migrateAll(config, ['ingest']);
    orm = await createIngestOrm(config.databases.ingest);
    // One run at a time per ledger: waits for a run of the server (distributed profile) or another CLI,
    // saying so on stderr (stdout carries the --json summary).
    const toStderr = (message: string) => process.stderr.write(`${message}\n`);
    const handler = new IngestFilesHandler(orm, bus, undefined, undefined, createLedgerLock(orm, { logger: { log: toStderr, warn: toStderr } }));
    const inputs = await resolveInputs(args);
    const bar = process.stderr.isTTY && !opts.json ? new SingleBar({ format: ' {file} | {value} enregistrements | {duration}s', hideCursor: true }, Presets.shades_classic) : null;
    bar?.start(0, 0, { file: '' });
    const summary = await handler.run(inputs, {
      source: opts.source,
      trigger: 'cli',
      lockWaitMs: opts.lockWaitMs ?? config.ingestLock.waitMs,
      onProgress: (p) => bar?.update(p.records, { file: p.file.length > 50 ? `…${p.file.slice(-49)}` : p.file }),
    });
    bar?.stop();
    return summary;
  } finally {
    await orm?.close();
    await bus.close();
    unlock();
  }
}

export function printSummary(s: IngestSummary, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(s, null, 2) + '\n');
    return;
  }
  const lines = [
    `Fichiers : ${s.files}  ·  enregistrements : ${s.records}`,
    `  acceptés : ${s.accepted}  ·  acceptés avec signalements : ${s.flagged}  ·  en quarantaine : ${s.quarantined}`,
    `  doublons : ${s.duplicates}  ·  contrats publiés : ${s.published}  ·  inchangés : ${s.unchanged}  ·  ${s.durationMs} ms`,
  ];
  for (const f of s.perFile) lines.push(`  - ${f.file} [${f.format ?? 'format inconnu'}] : ${f.records} enr., ${f.accepted} acc., ${f.flagged} signalés, ${f.quarantined} quarantaine${f.errors.length ? `, ERREUR : ${f.errors.join(' | ')}` : ''}`);
  process.stdout.write(lines.join('\n') + '\n');
}
