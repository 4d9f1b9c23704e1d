import { parentPort, workerData } from 'node:worker_threads';
import type { ReadRequest, ReadResponse } from './embedded-read-pool';
import { EmbeddedSearchIndex } from './embedded-search-index';

/** One reader thread of EmbeddedReadPool: a read-only connection, queries answered one at a time. */
const { file } = workerData as { file: string };
let index: EmbeddedSearchIndex | null = null;

parentPort?.on('message', (m: ReadRequest) => {
  if (m.op === 'close') {
    const closing = index;
    index = null;
    // The connection is closed before the port: nothing else keeps the thread alive, so it exits.
    void (closing ? closing.close() : Promise.resolve()).finally(() => parentPort?.close());
    return;
  }
  void (async () => {
    let reply: ReadResponse;
    try {
      index ??= new EmbeddedSearchIndex({ file, readonly: true });
      const result = m.op === 'search' ? await index.search(m.input) : await index.suggestOrganisations(m.prefix, m.limit);
      reply = { id: m.id, ok: true, result };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { id: m.id, ok: false, error: { name: e.name, message: e.message, issues: (e as { issues?: [] }).issues } };
    }
    parentPort?.postMessage(reply);
  })();
});
