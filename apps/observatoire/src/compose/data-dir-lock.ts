import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded profile's data directory belongs to one process at a time (its event log is
 * single-writer). A second process gets a clear error instead of corrupting the log.
 */
export function lockDataDir(dataDir: string, purpose: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: { pid: number; purpose: string } | null = null;
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; purpose: string };
      } catch {
        holder = null;
      }
      if (holder && isAlive(holder.pid)) {
        throw new Error(
          `le répertoire de données ${dataDir} est utilisé par le processus ${holder.pid} (${holder.purpose}). ` +
            `Arrêtez-le, ou déposez le fichier via POST /api/ingest/uploads de l’observatoire en cours d’exécution.`,
        );
      }
      unlinkSync(file); // stale lock of a dead process
    }
  }
  throw new Error(`cannot lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
