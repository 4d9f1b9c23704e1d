#!/usr/bin/env node
// `npm test`: type-check, lint, then every test tier (unit, integration, end-to-end) in one vitest run.
// The real engines (Kafka, PostgreSQL, OpenSearch) are started once here by the project's own scripts
// (deploy/local/stack.mjs) and stopped at the end if this run started them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const step = (name, cmd, cmdArgs, env = process.env) => {
  const t = Date.now();
  process.stdout.write(`\n▶ ${name}\n`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env });
  process.stdout.write(`◀ ${name}: ${r.status === 0 ? 'ok' : `failed (${r.status ?? r.signal})`} in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  return r.status ?? 1;
};

let status = 0;
if (!args.includes('--no-static')) {
  status ||= step('type-check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  status ||= step('lint (module boundaries)', 'npm', ['run', '--silent', 'lint'], { ...process.env, NX_DAEMON: 'false' });
  if (status) process.exit(status);
}

const engines = await import('./engines.mjs');
let info;
try {
  const t = Date.now();
  info = await engines.startEngines();
  process.stdout.write(`engines ready in ${((Date.now() - t) / 1000).toFixed(1)} s: ${JSON.stringify(info)}\n`);
} catch (e) {
  process.stderr.write(`\nCannot start the real engines: ${e.message}\n`);
  process.exit(1);
}
try {
  const env = {
    ...process.env,
    OBSERVATOIRE_TEST_ENGINES: JSON.stringify(info),
  };
  const report = join(mkdtempSync(join(tmpdir(), 'obs-vitest-')), 'report.json');
  status = step('tests (unit, integration, e2e)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args.filter((a) => a !== '--no-static')], env);
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // The plain closing line CI reads, whatever the runner.
    process.stdout.write(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    if (r.numTotalTests === 0) status ||= 1;
  }
} finally {
  await engines.stopEngines();
}
process.exit(status);
