import { resolve } from 'node:path';
import { fileInput, type IngestFilesHandler } from '@observatoire/ingest';
import { SEED_FILES, SEED_SOURCE } from './seed-files';

/** The seed files as ingest inputs, named `seed/<file>` in provenance and run summaries. */
export function seedInputs() {
  return SEED_FILES.map((f) => fileInput(resolve(__dirname, f), `seed/${f}`));
}

/** First start of the embedded observatory: ingests the Breton seed when the ledger is empty. */
export async function seedIfEmpty(handler: IngestFilesHandler, logger: { info(obj: object, msg: string): void }): Promise<boolean> {
  if (await handler.hasIngestedAnything()) return false;
  const summary = await handler.run(seedInputs(), { source: SEED_SOURCE, trigger: 'seed' });
  logger.info({ records: summary.records, accepted: summary.accepted, flagged: summary.flagged, quarantined: summary.quarantined, published: summary.published }, 'échantillon breton intégré');
  return true;
}
