/**
 * Query latency benchmark for the search adapters.
 *
 *   node -r @swc-node/register services/search/bench/query-latency.ts \
 *     [--engine embedded|opensearch|elasticsearch] [--docs 100000] [--concurrency 4] [--queries 2000] \
 *     [--url http://127.0.0.1:9200] [--file /tmp/search-bench.sqlite] [--keep]
 *
 * Generates N synthetic Breton-looking documents (deterministic), loads them through the port
 * (upsertMany in batches), then runs a mix of realistic queries from `concurrency` concurrent
 * callers and prints p50/p95/p99 per query kind. Loopback only; bounded in count.
 */
import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import type { ContractSearchDocument, SearchTitulaire, SupplierCategory } from '../src/domain/search-document';
import type { SearchIndex } from '../src/domain/search-index.port';
import type { SearchQueryInput } from '../src/domain/search-query';
import { createSearchIndex } from '../src/search-index.factory';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const engine = arg('engine', 'embedded');
const N = Number(arg('docs', '100000'));
const CONCURRENCY = Number(arg('concurrency', '4'));
const QUERIES = Number(arg('queries', '2000'));
const URL = arg('url', 'http://127.0.0.1:9200');
const FILE = arg('file', '/tmp/search-bench.sqlite');
const KEEP = process.argv.includes('--keep');

let seed = 42;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const ACTIONS = ['Travaux de', 'Fourniture de', 'Entretien de', 'Maintenance de', 'Réhabilitation de', 'Construction de', "Maîtrise d'œuvre pour", 'Prestations de', 'Acquisition de', 'Location de', 'Nettoyage de', 'Rénovation énergétique de'];
const SUBJECTS = ['la voirie communale', 'voiries et réseaux divers', "l'école élémentaire", 'groupe scolaire', 'la médiathèque', 'la salle omnisports', 'matériel informatique', 'mobilier de bureau', 'véhicules électriques', 'espaces verts', 'bâtiments communaux', 'la piscine intercommunale', 'repas pour la restauration scolaire', 'logiciels de gestion', "l'éclairage public", 'la station d\'épuration', 'chaussées départementales', 'ouvrages d\'art', 'collèges publics', 'lycées de la région', 'transport scolaire', 'fournitures administratives', 'signalisation routière', 'réseaux d\'eau potable'];
const PLACES = ['Rennes', 'Brest', 'Quimper', 'Lorient', 'Vannes', 'Saint-Brieuc', 'Saint-Malo', 'Morlaix', 'Lannion', 'Concarneau', 'Dinan', 'Fougères', 'Vitré', 'Pontivy', 'Landerneau', 'Redon', 'Ploërmel', 'Guingamp', 'Douarnenez', 'Carhaix'];
const CPVS: [string, string][] = [
  ['45233140', 'Travaux routiers'], ['45214210', "Travaux de construction d'écoles primaires"], ['45453000', 'Travaux de remise en état et de remise à neuf'],
  ['71000000', "Services d'architecture, services de construction, services d'ingénierie"], ['90919200', 'Services de nettoyage de bureaux'],
  ['50312000', 'Maintenance et réparation de matériel informatique'], ['55523100', 'Services de restauration scolaire'], ['34144900', 'Véhicules électriques'],
  ['39130000', 'Mobilier de bureau'], ['77310000', "Services de plantation et d'entretien d'espaces verts"], ['48000000', 'Logiciels et systèmes d\'information'],
  ['60130000', 'Services spécialisés de transport routier de passagers'], ['30192000', 'Fournitures de bureau'], ['45232150', "Travaux relatifs aux conduites d'eau"],
];
const DEPTS: [string, string][] = [['22', '53'], ['29', '53'], ['35', '53'], ['56', '53'], ['44', '52'], ['75', '11'], ['69', '84']];
const EPCIS = ['243500139', '242900314', '200068120', '200042174', '200067932', '200069409', '243500782', '200039022', '242200715', '200043396'];
const BUYER_TYPES = ['commune', 'commune', 'commune', 'epci', 'departement', 'region', 'hopital', 'syndicat-mixte', 'autre'];
const PROCEDURES = ['Procédure adaptée', 'Procédure adaptée', "Appel d'offres ouvert", "Appel d'offres restreint", 'Procédure avec négociation', 'Marché passé sans publicité ni mise en concurrence préalable'];
const CATEGORIES: SupplierCategory[] = ['PME', 'PME', 'PME', 'ETI', 'GE', 'unknown'];
const NAME_WORDS = ['Armor', 'Breizh', 'Atlantique', 'Ouest', 'Iroise', 'Kerne', 'Léon', 'Trégor', 'Penthièvre', 'Émeraude', 'Arvor', 'Goëlo', 'Cornouaille', 'Vilaine', 'Rance'];
const TRADES = ['Travaux Publics', 'Bâtiment', 'Informatique', 'Nettoyage', 'Paysage', 'Restauration', 'Menuiserie', 'Électricité', 'Ingénierie', 'Transports'];

function territory(): Omit<SearchTitulaire, 'id' | 'siret' | 'siren' | 'nom' | 'categorie'> {
  const [departement, region] = rand() < 0.8 ? pick(DEPTS.slice(0, 4)) : pick(DEPTS);
  return {
    communeCode: `${departement}${String(Math.floor(rand() * 300)).padStart(3, '0')}`,
    communeNom: pick(PLACES),
    epci: region === '53' ? pick(EPCIS) : null,
    epciNom: null,
    departement,
    region,
    bretagne: region === '53',
  };
}

const siret = (i: number) => String(100000000 + i).padStart(9, '0') + '00017';
const buyers = Array.from({ length: 400 }, (_, i) => ({
  id: siret(i),
  siret: siret(i),
  siren: siret(i).slice(0, 9),
  nom: `${pick(['Commune de', 'Ville de', 'Communauté de communes', 'Syndicat mixte', 'Centre hospitalier de'])} ${pick(PLACES)} ${i}`,
  type: pick(BUYER_TYPES),
  ...territory(),
}));
const suppliers: SearchTitulaire[] = Array.from({ length: 6000 }, (_, i) => ({
  id: siret(500000 + i),
  siret: siret(500000 + i),
  siren: siret(500000 + i).slice(0, 9),
  nom: `${pick(['SARL', 'SAS', 'SA', 'EURL'])} ${pick(TRADES)} ${pick(NAME_WORDS)} ${i}`.toUpperCase(),
  categorie: pick(CATEGORIES),
  ...territory(),
}));

function makeDocument(i: number): ContractSearchDocument {
  const [codeCPV, cpvLabel] = pick(CPVS);
  const year = 2019 + Math.floor(rand() * 7);
  const date = rand() < 0.03 ? null : `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
  const montant = Math.round(Math.exp(8 + rand() * 8) * 100) / 100;
  const usable = rand() > 0.03;
  const offres = rand() < 0.15 ? null : 1 + Math.floor(rand() * 8);
  const titulaires = [pick(suppliers), ...(rand() < 0.15 ? [pick(suppliers)] : [])].filter((t, k, all) => all.findIndex((x) => x.id === t.id) === k);
  const div = Number(codeCPV.slice(0, 2));
  const buyer = pick(buyers);
  return {
    uid: `${buyer.id}BENCH-${i}`,
    id: `BENCH-${i}`,
    kind: 'marche',
    objet: `${pick(ACTIONS)} ${pick(SUBJECTS)} à ${pick(PLACES)} — lot ${1 + (i % 9)}`,
    codeCPV,
    cpvLabel,
    cpvDivision: codeCPV.slice(0, 2),
    purchaseType: div === 45 ? 'travaux' : div <= 44 || div === 48 ? 'fournitures' : 'services',
    nature: 'Marché',
    procedure: pick(PROCEDURES),
    techniques: [],
    montant,
    montantInitial: montant,
    montantUtilisable: usable,
    amount: usable ? montant : null,
    dateNotification: date,
    year: date ? year : null,
    dureeMois: 12,
    considerationSociale: rand() < 0.2,
    considerationEnvironnementale: rand() < 0.3,
    considerationsSociales: [],
    considerationsEnvironnementales: [],
    marcheInnovant: rand() < 0.03,
    sousTraitanceDeclaree: rand() < 0.1,
    offresRecues: offres,
    singleBid: offres === null ? null : offres === 1,
    flags: [],
    buyer,
    titulaires,
    version: 1,
  };
}

type QueryKind = { name: string; run: (index: SearchIndex) => Promise<unknown> };
const TEXTS = ['voirie', 'travaux de voirie', 'restauration scolaire', 'ecole', 'maitrise d oeuvre mediatheque', 'materiel informatique', 'espaces verts', 'eclairage public', 'nettoyage batiments', 'vehicules electriques lorient'];
const MIX: QueryKind[] = [
  { name: 'text + facets (relevance)', run: (ix) => ix.search({ q: pick(TEXTS) }) },
  { name: 'text, no facets', run: (ix) => ix.search({ q: pick(TEXTS), facets: [] }) },
  {
    name: 'filters + facets (date)',
    run: (ix) =>
      ix.search({
        filters: { buyerTerritory: { departement: pick(['22', '29', '35', '56']) }, purchaseType: pick(['travaux', 'services', 'fournitures'] as const) },
        sort: { field: 'date', order: 'desc' },
      }),
  },
  {
    name: 'text + filters (amount)',
    run: (ix) =>
      ix.search({
        q: pick(TEXTS),
        filters: { supplierCategorie: 'PME', supplierTerritory: { bretagne: true }, notificationDate: { min: '2022-01-01' } },
        sort: { field: 'amount', order: 'desc' },
      }),
  },
  { name: 'browse all + all facets', run: (ix) => ix.search({}) },
  {
    name: 'page 2 by cursor',
    run: async (ix) => {
      const q: SearchQueryInput = { filters: { cpv: pick(['45', '90', '50', '55']) }, sort: { field: 'amount', order: 'asc' }, size: 50, facets: [] };
      const first = await ix.search(q);
      return first.nextCursor ? ix.search({ ...q, cursor: first.nextCursor }) : first;
    },
  },
  { name: 'suggest organisations', run: (ix) => ix.suggestOrganisations(pick(['ren', 'sarl trav', 'commune de q', 'armor', 'breizh inf', 'ville de b']), 10) },
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  if (engine === 'embedded' && !KEEP) rmSync(FILE, { force: true });
  const index =
    engine === 'embedded'
      ? createSearchIndex({ engine: 'embedded', file: FILE })
      : createSearchIndex({ engine: 'elasticsearch', url: URL, flavor: engine === 'opensearch' ? 'opensearch' : 'elasticsearch', indexPrefix: 'bench', batchSize: 1000, concurrency: 2 });
  await index.ensureIndex();
  const existing = await index.count();
  if (existing < N) {
    const t0 = performance.now();
    const BATCH = 5000;
    for (let i = existing; i < N; i += BATCH) {
      const docs = Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => makeDocument(i + k));
      const r = await index.upsertMany(docs);
      if (r.failed.length) throw new Error(`bulk failures: ${JSON.stringify(r.failed.slice(0, 3))}`);
    }
    await index.refresh();
    const s = (performance.now() - t0) / 1000;
    console.log(`indexed ${N - existing} documents in ${s.toFixed(1)} s (${Math.round((N - existing) / s)} docs/s)`);
  }
  console.log(`engine=${engine} documents=${await index.count()} concurrency=${CONCURRENCY} queries=${QUERIES}`);

  for (let i = 0; i < 30; i++) await MIX[i % MIX.length].run(index); // warm-up
  const samples = new Map<string, number[]>(MIX.map((m) => [m.name, []]));
  const all: number[] = [];
  let issued = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (issued < QUERIES) {
        const kind = MIX[issued++ % MIX.length];
        const t = performance.now();
        await kind.run(index);
        const ms = performance.now() - t;
        samples.get(kind.name)?.push(ms);
        all.push(ms);
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const row = (name: string, xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `| ${name.padEnd(28)} | ${String(s.length).padStart(5)} | ${percentile(s, 50).toFixed(1).padStart(7)} | ${percentile(s, 95).toFixed(1).padStart(7)} | ${percentile(s, 99).toFixed(1).padStart(7)} |`;
  };
  console.log('| query kind                   |     n | p50 ms  | p95 ms  | p99 ms  |');
  console.log('|------------------------------|-------|---------|---------|---------|');
  for (const [name, xs] of samples) console.log(row(name, xs));
  console.log(row('ALL', all));
  console.log(`throughput: ${(QUERIES / wall).toFixed(0)} queries/s over ${wall.toFixed(1)} s`);
  if (!KEEP && engine !== 'embedded') await index.drop();
  await index.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
