import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { frenchCommanderError } from './cli-french';

const ROOT = resolve(__dirname, '../../..');
const BIN = resolve(ROOT, 'bin/observatoire.js');

/** Runs the CLI as `npx observatoire` does; with `modules`, also reports whether a Nest package was loaded. */
function cli(args: string[]) {
  const probe = `process.argv = [process.argv[0], ${JSON.stringify(BIN)}, ...${JSON.stringify(args)}];
process.on('exit', () => process.stderr.write('\\nNEST_LOADED=' + Object.keys(require.cache).some((k) => k.includes('@nestjs')) + '\\n'));
require(${JSON.stringify(BIN)});`;
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, OBSERVATOIRE_DATA_DIR: '/nonexistent-never-used' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/\nNEST_LOADED=\w+\n$/, ''), nest: /NEST_LOADED=true/.test(r.stderr) };
}

describe('observatoire CLI', () => {
  it('prints its help in French without loading Nest (starts at once)', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Utilisation : observatoire [options] [commande]');
    expect(r.stdout).toContain('Commandes :');
    expect(r.stdout).toContain('affiche cette aide');
    expect(r.stdout).not.toMatch(/Usage:|display help|default:/);
    expect(r.nest).toBe(false);
  });

  it('prints a command help in French, defaults and choices included', () => {
    const r = cli(['generate', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('(choix : decp-2022-json, decp-info-csv ; par défaut decp-2022-json)');
    expect(r.nest).toBe(false);
  });

  it.each([
    [['strat'], 'erreur : commande inconnue « strat » (vouliez-vous dire start ?)'],
    [['ingest'], 'erreur : argument obligatoire manquant « fichiers »'],
    [['start', '--bogus'], 'erreur : option inconnue « --bogus »'],
    [['generate', '--out', 'x.json'], 'erreur : option obligatoire « --contracts <n> » non donnée'],
    [['generate', '--contracts', '3', '--out', 'x', '--shape', 'csv'], 'erreur : valeur « csv » invalide pour « --shape <shape> » (choix : decp-2022-json, decp-info-csv)'],
    [['start', '--service', 'web'], '--service : service « web » inconnu (attendu : ingest, catalog, search, analytics ou all)'],
  ])('answers %j with a French error, exit code 1, without loading Nest', (args, message) => {
    const r = cli(args);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`observatoire : ${message}`);
    expect(r.nest).toBe(false);
  });

  it('translates the commander messages it does not know word for word, keeping them readable', () => {
    expect(frenchCommanderError('commander.somethingNew', "error: something 'x'")).toBe("erreur : something 'x'");
  });
});
