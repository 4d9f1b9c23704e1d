import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Contract } from '@observatoire/contracts';
import { readRecords } from '../read/read-records';
import { normaliseRecord } from '../normalise/normalise-record';
import type { NormaliseOutcome } from '../normalise/normalise-outcome';
import type { RawRecord } from '../raw-record';

export const FIXTURES = join(__dirname, '../../../test/fixtures');
export const TODAY = '2026-11-28';

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export async function readFile(path: string): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const r of readRecords({ name: path, open: () => createReadStream(path) })) out.push(r);
  return out;
}

export async function readText(text: string | Buffer, name = 'inline'): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  // Small chunks on purpose: records and tokens straddle chunk boundaries.
  const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
  for await (const r of readRecords({ name, open: () => Readable.from(chunks) })) out.push(r);
  return out;
}

export function normaliseAll(records: RawRecord[], source = 'test'): NormaliseOutcome[] {
  return records.map((r) => normaliseRecord(r, { source, today: TODAY }));
}

export async function outcomesOf(path: string): Promise<NormaliseOutcome[]> {
  return normaliseAll(await readFile(path));
}

export function contractOf(outcome: NormaliseOutcome): Contract {
  if (outcome.status === 'quarantined') throw new Error(`quarantined: ${JSON.stringify(outcome.reasons)}`);
  return outcome.contract;
}

export function codesOf(outcome: NormaliseOutcome): string[] {
  return outcome.status === 'quarantined' ? outcome.reasons.map((r) => r.code) : [...new Set(outcome.contract.flags.map((f) => f.code))].sort();
}

/** A minimal valid 2022 marché item, to be altered by each case. */
export function item2022(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '2024-001',
    acheteur: { id: '23350001600040' },
    nature: 'Marché',
    objet: 'Travaux de voirie',
    codeCPV: '45233140',
    techniques: { technique: ['Sans objet'] },
    modalitesExecution: { modaliteExecution: ['Sans objet'] },
    marcheInnovant: false,
    ccag: 'Travaux',
    offresRecues: 3,
    attributionAvance: false,
    typeGroupementOperateurs: 'Pas de groupement',
    procedure: 'Procédure adaptée',
    lieuExecution: { code: '35000', typeCode: 'Code postal' },
    dureeMois: 12,
    dateNotification: '2024-03-01',
    datePublicationDonnees: '2024-03-15',
    montant: 125000,
    typesPrix: { typePrix: ['Définitif révisable'] },
    formePrix: 'Forfaitaire',
    sousTraitanceDeclaree: false,
    titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: '38024392300089' } }],
    considerationsSociales: { considerationSociale: ['Pas de considération sociale'] },
    considerationsEnvironnementales: { considerationEnvironnementale: ['Pas de considération environnementale'] },
    ...overrides,
  };
}

export function raw2022(value: unknown, position = 1): RawRecord {
  return { file: 'given.json', position, format: 'decp-2022-json', schemaVersion: '2.0.3', kind: 'marche', value, rawText: JSON.stringify(value), problem: null };
}

export function raw2019(value: unknown, position = 1): RawRecord {
  return { file: 'given-2019.json', position, format: 'decp-2019-json', schemaVersion: '1.5.0', kind: null, value, rawText: JSON.stringify(value), problem: null };
}
