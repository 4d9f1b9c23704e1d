import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { MikroORM } from '@mikro-orm/core';
import { TOPICS, type ContractPublishedV1, type RecordQuarantinedV1 } from '@observatoire/contracts';
import { EmbeddedEventLog, type DeliveredEvent } from '@observatoire/platform';
import { createIngestOrm, migrateIngest } from '../../infrastructure/persistence/ingest-orm';
import { fileInput } from './resolve-inputs';
import { IngestFilesHandler } from './ingest-files.handler';

const FIXTURES = resolve(__dirname, '../../../test/fixtures');
const BRETON = join(FIXTURES, 'real/decp-info-tabular-extract/decp_2024H2_travaux_cpv4521_bretagne.csv');
const MEGALIS = join(FIXTURES, 'real/megalis-decp-validation/decp-59920013600241-2024-07-09-01.json');

/** An in-memory input (for files made up by a test). */
function textInput(name: string, text: string) {
  return { name, open: () => Readable.from([Buffer.from(text)]) };
}

async function published(bus: EmbeddedEventLog, topic: string): Promise<DeliveredEvent[]> {
  const out: DeliveredEvent[] = [];
  const sub = await bus.subscribe({ group: `reader-${Math.random()}`, topics: [topic], handler: async (b) => void out.push(...b) });
  await sub.drain(10_000);
  await sub.stop();
  return out;
}

describe('ingesting files into the ledger and publishing what changed', () => {
  let orm: MikroORM;
  let bus: EmbeddedEventLog;
  let handler: IngestFilesHandler;

  beforeEach(async () => {
    orm = await createIngestOrm('sqlite::memory:');
    await migrateIngest(orm);
    bus = new EmbeddedEventLog(mkdtempSync(join(tmpdir(), 'ingest-bus-')));
    handler = new IngestFilesHandler(orm, bus, { stageBatch: 50, publishPage: 40 });
  });

  afterEach(async () => {
    await bus.close();
    await orm.close();
  });

  it('accounts for every record of the real Breton extract and publishes one event per contract', async () => {
    const s = await handler.run([fileInput(BRETON, 'bretagne.csv')], { source: 'decp.info', trigger: 'test' });
    expect(s.records).toBe(443);
    expect(s.accepted + s.flagged + s.quarantined).toBe(s.records);
    expect(s.published).toBe(324);
    const events = await published(bus, TOPICS.contracts);
    expect(events).toHaveLength(324);
    expect(new Set(events.map((e) => e.event.aggregateId)).size).toBe(324);
    expect(events.every((e) => e.event.aggregateVersion === 1)).toBe(true);
  });

  it('publishes nothing when the same file is ingested again', async () => {
    await handler.run([fileInput(BRETON, 'bretagne.csv')], { source: 'decp.info', trigger: 'test' });
    const again = await handler.run([fileInput(BRETON, 'bretagne.csv')], { source: 'decp.info', trigger: 'test' });
    expect(again.published).toBe(0);
    expect(again.duplicates).toBe(again.records);
    expect(await published(bus, TOPICS.contracts)).toHaveLength(324);
  });

  it('counts the same contracts from another source as duplicates without republishing them', async () => {
    await handler.run([fileInput(MEGALIS, 'megalis.json')], { source: 'megalis', trigger: 'test' });
    const other = await handler.run([fileInput(MEGALIS, 'copie-pes.json')], { source: 'pes-dgfip', trigger: 'test' });
    expect(other.records).toBe(5);
    expect(other.duplicates).toBe(5);
    expect(other.published).toBe(0);
    expect(other.unchanged).toBe(5);
  });

  it('publishes a new revision that supersedes the old one when a contract really changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ingest-change-'));
    const header = 'uid,id,type,codeCPV,acheteur_id,acheteur_nom,titulaire_id,titulaire_nom,montant,dateNotification,procedure,dureeMois,offresRecues';
    const row = (montant: number) => `21350238000011X1,X1,Marché,45233141,21350238000011,COMMUNE,44306184100047,SARL VOIRIE,${montant},2024-09-02,Procédure adaptée,6,3`;
    writeFileSync(join(dir, 'v1.csv'), `${header}\n${row(80000)}\n`);
    writeFileSync(join(dir, 'v2.csv'), `${header}\n${row(95000)}\n`);
    await handler.run([fileInput(join(dir, 'v1.csv'), 'v1.csv')], { source: 's', trigger: 'test' });
    const second = await handler.run([fileInput(join(dir, 'v2.csv'), 'v2.csv')], { source: 's', trigger: 'test' });
    expect(second.published).toBe(1);
    const events = (await published(bus, TOPICS.contracts)).map((d) => d.event as ContractPublishedV1);
    expect(events.map((e) => e.aggregateVersion)).toEqual([1, 2]);
    expect(events[1].data.supersedes).toBe(1);
    expect(events[1].eventId).not.toBe(events[0].eventId);
  });

  it('keeps valid records beside a broken one, quarantines it with its reasons, and records it once', async () => {
    const text = JSON.stringify({
      marches: [
        { _type: 'Marché', id: 'OK-1', acheteur: { id: '21350238000011', nom: 'Commune' }, objet: 'Voirie', codeCPV: '45233141', procedure: 'Procédure adaptée', dureeMois: 6, dateNotification: '2019-05-02', datePublicationDonnees: '2019-05-10', montant: 12000, formePrix: 'Ferme', titulaires: [{ typeIdentifiant: 'SIRET', id: '44306184100047', denominationSociale: 'SARL' }], lieuExecution: { code: '35238', typeCode: 'Code commune', nom: 'Rennes' }, nature: 'Marché' },
        { _type: 'Marché', objet: 'sans identifiant ni acheteur' },
      ],
    });
    const first = await handler.run([textInput('mixed.json', text)], { source: 's', trigger: 'test' });
    expect(first.records).toBe(2);
    expect(first.quarantined).toBe(1);
    expect(first.accepted + first.flagged).toBe(1);
    expect(first.published).toBe(1);
    await handler.run([textInput('mixed.json', text)], { source: 's', trigger: 'test' });
    const quarantined = (await published(bus, TOPICS.quarantine)).map((d) => d.event as RecordQuarantinedV1);
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0].data).toMatchObject({ file: 'mixed.json', position: 2 });
    expect(quarantined[0].data.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['MISSING_ID']));
  });

  it('names a file that cannot be read and still ingests the other files of the run', async () => {
    const s = await handler.run([textInput('notes.txt', 'bonjour, ceci n’est pas un fichier DECP'), fileInput(MEGALIS, 'megalis.json')], { source: 's', trigger: 'test' });
    expect(s.files).toBe(2);
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0].file).toBe('notes.txt');
    expect(s.errors[0].message).toMatch(/notes\.txt/);
    expect(s.published).toBe(5);
  });
});
