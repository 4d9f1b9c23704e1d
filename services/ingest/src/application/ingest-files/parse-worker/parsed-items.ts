import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readRecords, type FileInput } from '../../../domain';
import { parsedItemOf, type ParsedItem } from './parsed-item';
import type { ToMain, ToWorker, WorkerStart } from './protocol';

export interface ParseTuning {
  /** Parse in a worker thread (default): the calling thread only folds and publishes. */
  worker: boolean;
  batchSize: number;
  /** A batch is posted early once its JSON reaches this many characters. */
  batchBytes: number;
  maxBatches: number;
}

export const DEFAULT_PARSE_TUNING: ParseTuning = { worker: true, batchSize: 1000, batchBytes: 16 << 20, maxBatches: 2 };

/**
 * The records of one file, read, validated and normalised, in batches. With `worker` (the default) that work
 * runs in a worker thread fed with the file's bytes one chunk at a time; the batches come back as JSON text
 * and hashes. The thread is ended when the generator is (a break, an error or a lost lock stop it).
 */
export async function* parsedItems(input: FileInput, source: string, tuning: ParseTuning = DEFAULT_PARSE_TUNING): AsyncGenerator<ParsedItem[]> {
  if (!tuning.worker) {
    let batch: ParsedItem[] = [];
    for await (const raw of readRecords(input)) {
      batch.push(parsedItemOf(raw, source));
      if (batch.length >= tuning.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
    return;
  }
  yield* inWorker(input, source, tuning);
}

let swcPinned = false;

/**
 * The parse thread compiles its TypeScript with SWC's native addon. When the last thread holding a native
 * addon exits, Node unloads it, and loading it again in the next thread crashed the process (seen under the
 * test runner, whose processes do not load SWC themselves). Loading it once in this thread keeps it loaded.
 */
function pinSwcAddon(): void {
  if (swcPinned) return;
  swcPinned = true;
  createRequire(__filename)('@swc/core');
}

/** Parse threads between two files, kept so that the next file does not pay the thread's start-up. */
const idle: Worker[] = [];

function spawn(): Worker {
  pinSwcAddon();
  const worker = new Worker(join(__dirname, 'parse-worker.js'), { execArgv: [] });
  // An idle thread that dies (or is ended) leaves the pool; it never keeps the process alive.
  worker.once('exit', () => {
    const i = idle.indexOf(worker);
    if (i >= 0) idle.splice(i, 1);
  });
  worker.on('error', () => undefined);
  return worker;
}

/**
 * Starts a parse thread ahead of the first file (its start-up — compiling the domain modules and the schema
 * validators — takes 1–3 s): a process that will ingest calls it early, so that start-up overlaps its own.
 * The thread waits, unreferenced, in the pool.
 */
export function warmParseWorker(): void {
  if (idle.length > 0 || warming) return;
  warming = true;
  const worker = spawn();
  worker.unref();
  idle.push(worker);
}
let warming = false;

async function* inWorker(input: FileInput, source: string, tuning: ParseTuning): AsyncGenerator<ParsedItem[]> {
  const start: WorkerStart = { name: input.name, source, batchSize: tuning.batchSize, batchBytes: tuning.batchBytes, maxBatches: tuning.maxBatches };
  warming = false;
  const worker = idle.pop() ?? spawn();
  worker.ref();
  const send = (m: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(m, transfer);
  let finished = false;
  const queue: ToMain[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const arrive = () => {
    wake?.();
    wake = null;
  };

  // The file's bytes, read on demand: one chunk per request of the thread.
  let stream: NodeJS.ReadableStream | null = null;
  let iterator: AsyncIterator<Buffer | string> | null = null;
  let reading = false;
  const feed = async () => {
    if (reading) return;
    reading = true;
    try {
      stream ??= input.open();
      iterator ??= (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
      const next = await iterator.next();
      if (next.done) send({ type: 'end' });
      else {
        const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
        // A copy the thread owns (the chunk may be a view on a pooled buffer).
        const data = new Uint8Array(chunk.byteLength);
        data.set(chunk);
        send({ type: 'chunk', data }, [data.buffer]);
      }
    } catch (e) {
      // The stream failed (client gone, gunzip, disk): the reader reports it where it broke.
      send({ type: 'abort', message: (e as Error).message || String(e) });
    } finally {
      reading = false;
    }
  };

  const onMessage = (m: ToMain) => {
    if (m.type === 'want') void feed();
    else {
      queue.push(m);
      arrive();
    }
  };
  const onError = (e: Error) => {
    failure = e;
    arrive();
  };
  const onExit = (code: number) => {
    failure ??= new Error(`parse worker of ${input.name} exited with code ${code}`);
    arrive();
  };
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  send({ type: 'start', start });

  try {
    for (;;) {
      while (queue.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
      const m = queue.shift();
      if (!m) throw failure ?? new Error(`parse worker of ${input.name} stopped`);
      if (m.type === 'done' || m.type === 'failed') finished = true;
      if (m.type === 'done') return;
      if (m.type === 'failed') throw new Error(m.message);
      if (m.type === 'batch') {
        yield m.items;
        send({ type: 'batch-done' });
      }
    }
  } finally {
    worker.off('message', onMessage);
    worker.off('error', onError);
    worker.off('exit', onExit);
    if (finished && !failure) {
      // The thread is between two files: kept for the next one.
      worker.unref();
      idle.push(worker);
    } else {
      // Stopped mid-file (a break, an error, a lost lock): that thread is ended (safe: the SWC addon stays
      // loaded in this thread, see pinSwcAddon).
      await worker.terminate();
    }
    await (iterator as AsyncIterator<Buffer | string> | null)?.return?.();
  }
}
