import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { checkAgainstSchema, readRecords } from '../../../domain';
import { parsedItemOf, type ParsedItem } from './parsed-item';
import type { ToMain, ToWorker, WorkerStart } from './protocol';

/**
 * The parse thread: bytes of one file in (chunks posted by the ingest run), parsed items out in batches; then
 * the next file (the thread is kept for the process's next runs: starting one costs a second of compilation).
 * Reading, schema validation, normalisation, JSON and hashing of every record happen here, off the thread
 * that serves HTTP. Both directions are bounded: one chunk of input in flight at a time, and at most
 * `maxBatches` batches waiting on the other side, so memory stays flat whatever the file size.
 */
const port = parentPort!;
// Compile the schema validators now, while the thread waits for its first file.
checkAgainstSchema({}, '2022', 'marche');
const post = (m: ToMain) => port.postMessage(m);

interface Job {
  start: WorkerStart;
  input: Readable;
  pendingBatches: number;
  resume: (() => void) | null;
}
let job: Job | null = null;

port.on('message', (m: ToWorker) => {
  if (m.type === 'start') {
    // Pull: each time the stream's buffer is below 1 MB, the thread asks for ONE chunk (Node calls read()
    // again only after a push), so at most one chunk is in flight and the file is never buffered whole.
    const input = new Readable({
      highWaterMark: 1 << 20,
      read() {
        post({ type: 'want' });
      },
    });
    job = { start: m.start, input, pendingBatches: 0, resume: null };
    void run(job);
    return;
  }
  if (!job) return;
  if (m.type === 'chunk') job.input.push(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
  else if (m.type === 'end') job.input.push(null);
  else if (m.type === 'abort') job.input.destroy(new Error(m.message));
  else if (m.type === 'batch-done') {
    job.pendingBatches--;
    job.resume?.();
    job.resume = null;
  }
});

async function run(j: Job): Promise<void> {
  try {
    let batch: ParsedItem[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      j.pendingBatches++;
      post({ type: 'batch', items: batch });
      batch = [];
      bytes = 0;
      while (j.pendingBatches >= j.start.maxBatches) await new Promise<void>((resolve) => (j.resume = resolve));
    };
    for await (const raw of readRecords({ name: j.start.name, open: () => j.input })) {
      const item = parsedItemOf(raw, j.start.source);
      batch.push(item);
      bytes += item.kind === 'contract' ? item.json.length : item.kind === 'quarantined' ? item.raw.length : 0;
      if (batch.length >= j.start.batchSize || bytes >= j.start.batchBytes) await flush();
    }
    await flush();
    post({ type: 'done' });
  } catch (e) {
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  } finally {
    if (job === j) job = null;
  }
}
