/**
 * Throughput of the ContractPublished consumer use case (profiles lookup + documents + upsertMany +
 * profile re-check) and of late profiles (updateOrganisation), on either engine.
 *
 *   node -r @swc-node/register services/search/bench/consumer-throughput.ts \
 *     [--engine embedded|opensearch] [--contracts 20000] [--batch 500] [--url http://127.0.0.1:9200]
 *
 * Synthetic Breton-looking contracts (testing/contract.builder), 30 % of their profiles stored
 * before the contracts, the others applied afterwards as late SupplierResolved/BuyerResolved.
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { IndexContractWhenContractPublishedHandler } from '../src/application/index-contract-when-contract-published/index-contract-when-contract-published.handler';
import { UpdateOrganisationWhenResolvedHandler } from '../src/application/update-organisation-when-resolved/update-organisation-when-resolved.handler';
import { readCpvLabels } from '../src/infrastructure/reference/cpv-labels.reader';
import { createOrganisationProfileStore, createSearchIndex, type SearchConfig } from '../src/search-index.factory';
import { ALL_PROFILES, aContract, syntheticDocuments } from '../src/testing/contract.builder';
import { buyerResolved, contractPublished, supplierResolved } from '../src/testing/search-events';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const engine = arg('engine', 'embedded');
const N = Number(arg('contracts', '20000'));
const BATCH = Number(arg('batch', '500'));
const URL = arg('url', 'http://127.0.0.1:9200');

async function main() {
  const run = randomBytes(3).toString('hex');
  const config: SearchConfig =
    engine === 'embedded' ? { engine: 'embedded', file: ':memory:' } : { engine: 'elasticsearch', url: URL, flavor: 'opensearch', indexPrefix: `bench-consumer-${run}` };
  const index = createSearchIndex(config);
  const profiles = createOrganisationProfileStore(config);
  await index.ensureIndex();
  await profiles.ensure();
  const contracts = new IndexContractWhenContractPublishedHandler(index, profiles, readCpvLabels());
  const organisations = new UpdateOrganisationWhenResolvedHandler(index, profiles);

  const all = [...ALL_PROFILES.values()];
  const early = all.filter((_, i) => i % 3 === 0);
  const late = all.filter((_, i) => i % 3 !== 0);
  await organisations.execute(early.map((p) => (p.typeOrganisation ? buyerResolved(p, 1) : supplierResolved(p, 1))));

  const events = syntheticDocuments(N).map((d) =>
    contractPublished(aContract({ acheteurId: d.buyer.id, id: d.id, codeCPV: d.codeCPV, objet: d.objet, titulaireIds: d.titulaires.map((t) => t.id), dateNotification: d.dateNotification, montant: d.montant }), 1),
  );
  let t = performance.now();
  for (let i = 0; i < events.length; i += BATCH) await contracts.execute(events.slice(i, i + BATCH));
  const indexMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < events.length; i += BATCH) await contracts.execute(events.slice(i, i + BATCH));
  const redeliveryMs = performance.now() - t;
  t = performance.now();
  const r = await organisations.execute(late.map((p) => (p.typeOrganisation ? buyerResolved(p, 1) : supplierResolved(p, 1))));
  const lateMs = performance.now() - t;
  await index.refresh();
  console.log(`engine ${engine}, ${N} contracts, batches of ${BATCH}`);
  console.log(`  first delivery : ${(indexMs / 1000).toFixed(1)} s, ${Math.round(N / (indexMs / 1000))} contracts/s (applied ${contracts.totals.applied})`);
  console.log(`  redelivery     : ${(redeliveryMs / 1000).toFixed(1)} s, ${Math.round(N / (redeliveryMs / 1000))} contracts/s (stale ${contracts.totals.stale})`);
  console.log(`  late profiles  : ${late.length} profiles re-denormalising ${r.documentsUpdated} documents in ${(lateMs / 1000).toFixed(1)} s (${Math.round(r.documentsUpdated / (lateMs / 1000))} docs/s)`);
  if (engine !== 'embedded') {
    await index.drop();
    await profiles.drop();
  }
  await index.close();
  await profiles.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
