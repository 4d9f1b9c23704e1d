/**
 * Contracts persisted per second by applyContractPublishedBatch.
 *   node -r @swc-node/register services/catalog/bench/persist-throughput.ts [N=20000] [batch=500]
 *   BENCH_PG_URL=postgres://user:pw@host:port/postgres … (also measures PostgreSQL, in a scratch database)
 * Each synthetic contract has 2 versions, 1–3 titulaires, 1 provenance row; every batch also records
 * processed ids and registers organisations (about one new supplier in three contracts).
 */
import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { contentHash, createEvent, CONTRACT_PUBLISHED, type Contract, type ContractPublishedV1, type OrganisationRef } from '@observatoire/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { applyContractPublishedBatch } from '../src/application/apply-contract-published-batch/apply-contract-published-batch';
import { openCatalogOrm } from '../src/infrastructure/orm/catalog-orm.config';
import { migrateCatalog } from '../src/infrastructure/orm/migrate-catalog';
import { createScratchDatabase } from '../test/support/scratch-postgres';

const ref = (id: string): OrganisationRef => ({ id, typeIdentifiant: 'SIRET', denominationSociale: null, siretValide: true });

function syntheticEvent(i: number): ContractPublishedV1 {
  const acheteur = ref(`2435001390${String(i % 50).padStart(4, '0')}`);
  const titulaires = Array.from({ length: 1 + (i % 3) }, (_, k) => ref(`4430618410${String((i * 7 + k) % 7000).padStart(4, '0')}`));
  const contract: Contract = {
    uid: `${acheteur.id}BENCH-${i}`, id: `BENCH-${i}`, kind: 'marche', acheteur, objet: `Marché synthétique n°${i}`,
    codeCPV: '45233140', cpvDivision: '45', purchaseType: 'travaux', nature: 'Marché', procedure: 'Procédure adaptée',
    techniques: [], modalitesExecution: [], lieuExecution: { code: '35238', typeCode: 'Code commune', nom: null }, formePrix: 'Unitaire',
    typesPrix: [], montant: 10_000 + i, montantInitial: 9_000 + i, montantUtilisable: true, dureeMois: 12, dureeMoisInitiale: 12,
    dateNotification: `202${i % 5}-0${1 + (i % 9)}-15`, datePublicationDonnees: '2025-01-10', dateDerniereModification: '2025-01-10',
    titulaires, offresRecues: 2, attributionAvance: false, tauxAvance: null, marcheInnovant: false, ccag: null, sousTraitanceDeclaree: null,
    typeGroupementOperateurs: null, origineUE: null, origineFrance: null, idAccordCadre: null, considerationsSociales: [],
    considerationsEnvironnementales: [], actesSousTraitance: [], concession: null,
    versions: [
      { seq: 0, kind: 'initial', montant: 9_000 + i, dureeMois: 12, titulaires, dateNotification: '2024-01-15', datePublicationDonnees: '2024-02-01' },
      { seq: 1, kind: 'modification', montant: 10_000 + i, dureeMois: null, titulaires: null, dateNotification: '2025-01-05', datePublicationDonnees: '2025-01-10' },
    ],
    flags: [], provenance: [{ source: 'bench', file: 'bench.json', position: i + 1, format: 'decp-2022-json', schemaVersion: '2.0.3' }], enrichment: null,
  };
  const hash = contentHash(contract);
  return createEvent(CONTRACT_PUBLISHED, { contract, contentHash: hash, supersedes: null }, {
    source: 'bench', aggregateId: contract.uid, aggregateVersion: 1, correlationId: 'bench', idParts: [contract.uid, hash],
  });
}

async function measure(label: string, orm: MikroORM, events: ContractPublishedV1[], batch: number): Promise<void> {
  await migrateCatalog(orm, { loadTerritory: false });
  const started = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += batch) {
    await applyContractPublishedBatch(orm.em.fork() as SqlEntityManager, events.slice(i, i + batch));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const replayStart = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += batch) {
    await applyContractPublishedBatch(orm.em.fork() as SqlEntityManager, events.slice(i, i + batch));
  }
  const replay = Number(process.hrtime.bigint() - replayStart) / 1e9;
  console.log(
    `${label}: ${events.length} contracts in ${seconds.toFixed(2)} s = ${Math.round(events.length / seconds)} contracts/s` +
      ` (batch ${batch}); redelivery of the same events skipped at ${Math.round(events.length / replay)} events/s`,
  );
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20_000);
  const batch = Number(process.argv[3] ?? 500);
  const events = Array.from({ length: n }, (_, i) => syntheticEvent(i));
  const dir = mkdtempSync(path.join(tmpdir(), 'catalog-bench-'));
  try {
    const orm = await openCatalogOrm({ url: `sqlite:${path.join(dir, 'bench.db')}` });
    try {
      await measure('SQLite (file, WAL)', orm, events, batch);
    } finally {
      await orm.close(true);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = process.env.BENCH_PG_URL;
  if (!pgUrl) return;
  const database = await createScratchDatabase(pgUrl, 'catalog_bench');
  const orm = await openCatalogOrm({ url: database.url });
  try {
    await measure('PostgreSQL', orm, events, batch);
  } finally {
    await orm.close(true);
    await database.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
