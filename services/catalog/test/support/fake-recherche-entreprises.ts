import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the "recherche d'entreprises" API (node:http on 127.0.0.1, random port),
 * speaking its documented format (`GET /search?q=` → `{ results: [...] }`). BUILT FOR TESTS.
 */
export interface FakeApi {
  url: string;
  requests: string[];
  /** The next `n` requests answer 429 (with Retry-After: 0). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export const API_COMPANIES: Record<string, Record<string, unknown>> = {
  '900000019': {
    siren: '900000019',
    nom_complet: 'ATELIER DU LARGE (FICTIF)',
    nom_raison_sociale: 'ATELIER DU LARGE',
    categorie_entreprise: 'PME',
    tranche_effectif_salarie: '11',
    nature_juridique: '5499',
    activite_principale: '33.15Z',
    statut_diffusion: 'O',
    siege: { siret: '90000001900017', commune: '56121', code_postal: '56100', libelle_commune: 'LORIENT', latitude: '47.7483', longitude: '-3.3700' },
    matching_etablissements: [
      { siret: '90000001900025', commune: '29019', code_postal: '29200', libelle_commune: 'BREST', latitude: '48.3904', longitude: '-4.4861' },
    ],
  },
  '753100007': {
    siren: '753100007',
    nom_complet: '[NON-DIFFUSIBLE]',
    statut_diffusion: 'P',
    siege: { siret: '75310000700012', commune: null, latitude: null, longitude: null },
    matching_etablissements: [],
  },
};

export async function startFakeRechercheEntreprises(companies = API_COMPANIES): Promise<FakeApi> {
  const requests: string[] = [];
  let failures: { left: number; status: number } = { left: 0, status: 429 };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const q = url.searchParams.get('q') ?? '';
    requests.push(q);
    if (failures.left > 0) {
      failures.left--;
      res.writeHead(failures.status, { 'content-type': 'application/json', 'retry-after': '0' }).end('{"erreur":"too many requests"}');
      return;
    }
    if (url.pathname !== '/search') {
      res.writeHead(404).end();
      return;
    }
    const company = companies[q.slice(0, 9)];
    const results = company ? [company] : [];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results, total_results: results.length, page: 1, per_page: 5, total_pages: 1 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(n, status = 429) {
      failures = { left: n, status };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
