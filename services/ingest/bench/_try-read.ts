import { createReadStream } from 'node:fs';
import { readRecords } from '../src/domain/read/read-records';
async function main() {
  for (const f of process.argv.slice(2)) {
    let n = 0; const probs: string[] = []; const kinds: Record<string, number> = {};
    for await (const r of readRecords({ name: f, open: () => createReadStream(f) })) {
      n++; if (r.problem) probs.push(r.problem.message); kinds[`${r.format}/${r.kind}`] = (kinds[`${r.format}/${r.kind}`] ?? 0) + 1;
    }
    console.log(f.split('/').slice(-2).join('/'), n, JSON.stringify(kinds), probs.slice(0, 3));
  }
}
main();
