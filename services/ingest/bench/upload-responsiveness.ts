/**
 * Is the embedded server responsive while it ingests a heavy upload? Starts `observatoire start` (embedded
 * profile, fresh data directory, no seed), uploads ONE generated record with N modifications through
 * `POST /api/ingest/uploads`, and meanwhile asks `/api/health` every 50 ms (one request at a time, each
 * timed, a late answer counted at its real latency). Prints the upload's duration and the health latencies.
 * The raw bound beside it: the health latencies of the same idle server just before the upload.
 *   node -r @swc-node/register services/ingest/bench/upload-responsiveness.ts --modifications 50000 [--repo /work/main]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';

interface Options {
  modifications: string;
  port: string;
  repo: string;
  keep?: boolean;
}

function heavyRecord(n: number): string {
  const mods = Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    const day = new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString().slice(0, 10);
    return {
      modification: {
        id: i,
        montant: 100_000 + i,
        dureeMois: 12 + (i % 24),
        titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: String(38024392300000 + (i % 97)) } }],
        dateNotificationModification: day,
        datePublicationDonneesModification: day,
      },
    };
  });
  const item = {
    id: '2023HEAVY01', acheteur: { id: '21350238800019' }, nature: 'Marché', objet: 'Marché aux modifications innombrables (synthétique)',
    codeCPV: '45000000', techniques: { technique: ['Sans objet'] }, modalitesExecution: { modaliteExecution: ['Sans objet'] },
    marcheInnovant: false, ccag: 'Travaux', offresRecues: 3, attributionAvance: false, typeGroupementOperateurs: 'Pas de groupement',
    procedure: "Appel d'offres ouvert", lieuExecution: { code: '35000', typeCode: 'Code postal' }, dureeMois: 12,
    dateNotification: '2022-12-01', datePublicationDonnees: '2022-12-05', montant: 100_000, typesPrix: { typePrix: ['Définitif révisable'] },
    formePrix: 'Forfaitaire', sousTraitanceDeclaree: false, titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: '38024392300018' } }],
    considerationsSociales: { considerationSociale: ['Pas de considération sociale'] },
    considerationsEnvironnementales: { considerationEnvironnementale: ['Pas de considération environnementale'] },
    modifications: mods,
  };
  return JSON.stringify({ marches: [item] });
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const describe = (xs: number[]) => `n=${xs.length} p50 ${pct(xs, 50).toFixed(0)} ms, p95 ${pct(xs, 95).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;

async function waitReady(base: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/api/health`)).status < 500) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server not ready');
}

async function healthProbe(base: string, stop: () => boolean): Promise<number[]> {
  const out: number[] = [];
  while (!stop()) {
    const t = performance.now();
    await fetch(`${base}/api/health`).then((r) => r.arrayBuffer()).catch(() => undefined);
    out.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 50));
  }
  return out;
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--modifications <n>', 'modifications of the one uploaded record', '50000')
    .option('--port <n>', 'port of the server', '3917')
    .option('--repo <dir>', 'checkout whose bin/observatoire.js is started (compare with another branch)', resolve(__dirname, '../../..'))
    .option('--keep', 'keep the data directory')
    .parse()
    .opts<Options>();
  const dir = mkdtempSync(join(tmpdir(), 'upload-resp-'));
  const file = join(dir, 'heavy.json');
  writeFileSync(file, heavyRecord(Number(opts.modifications)));
  const base = `http://127.0.0.1:${opts.port}`;
  const server = spawn(process.execPath, [join(opts.repo, 'bin/observatoire.js'), 'start', '--port', opts.port, '--no-seed'], {
    env: { ...process.env, OBSERVATOIRE_DATA_DIR: join(dir, 'data'), OBSERVATOIRE_INGEST_TOKENS: 'bench-key', OBSERVATOIRE_PROFILE: 'embedded', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady(base, Date.now() + 120_000);
    let idleDone = false;
    setTimeout(() => (idleDone = true), 3_000);
    const idle = await healthProbe(base, () => idleDone);
    let uploaded = false;
    const probing = healthProbe(base, () => uploaded);
    const t = performance.now();
    const res = await fetch(`${base}/api/ingest/uploads?filename=heavy.json`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench-key', 'content-type': 'application/octet-stream' },
      body: readFileSync(file),
    });
    const body = (await res.json()) as { records?: number; published?: number };
    const seconds = (performance.now() - t) / 1000;
    uploaded = true;
    const during = await probing;
    console.log(`record with ${opts.modifications} modifications (${(readFileSync(file).length / 1e6).toFixed(1)} MB), ${opts.repo}`);
    console.log(`upload: HTTP ${res.status} in ${seconds.toFixed(1)} s, records ${body.records}, published ${body.published}`);
    console.log(`/api/health idle (bound): ${describe(idle)}`);
    console.log(`/api/health during the upload: ${describe(during)}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
