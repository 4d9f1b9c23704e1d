import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { parse } from 'csv-parse/sync';
import type { OrganisationSource } from '../../application/resolve-organisations/organisation-resolver.port';
import type { ClassifiedIdentifier } from '../../domain/identifier';
import type { SireneFacts, SourceAnswer } from '../../domain/organisation-profile';
import { DEFAULT_REFERENCE_DIR } from './territory-reference';

export const COLLECTIVITIES_REFERENCE_ORIGIN = 'dgcl-collectivites';

/** categorieJuridique of an EPCI from its DGCL nature (INSEE nomenclature of legal categories, level III). */
const CATEGORIE_OF_NATURE: Record<string, string> = { CC: '7346', CA: '7348', CU: '7343', METRO: '7344', MET69: '7344' };
const COMMUNE_CATEGORIE = '7210';

interface Collectivity {
  nom: string;
  categorieJuridique: string;
  communeCode: string | null;
  intercommunality: SireneFacts['intercommunality'];
}

export interface CollectivitiesReference {
  bySiren: Map<string, Collectivity>;
}

/**
 * Communes and EPCI by their SIREN, from the DGCL table the territory reference already ships
 * (services/catalog/reference/epci_communes_dgcl_2026_france.csv: commune SIREN, commune code, EPCI SIREN,
 * nature, département of the seat). 35k communes, ~1,250 EPCI.
 */
export function readCollectivitiesReference(dir: string = DEFAULT_REFERENCE_DIR): CollectivitiesReference {
  const read = (file: string) => parse(readFileSync(path.join(dir, file)), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  const regionOfDepartement = new Map(read('insee_cog_2026_departements.csv').map((d) => [d.DEP, d.REG]));
  const bySiren = new Map<string, Collectivity>();
  for (const r of read('epci_communes_dgcl_2026_france.csv')) {
    if (/^\d{9}$/.test(r.commune_siren) && !bySiren.has(r.commune_siren)) {
      bySiren.set(r.commune_siren, { nom: r.commune_nom, categorieJuridique: COMMUNE_CATEGORIE, communeCode: r.commune_code, intercommunality: null });
    }
    if (/^\d{9}$/.test(r.epci_siren) && !bySiren.has(r.epci_siren)) {
      const dep = r.epci_dept_siege || null;
      bySiren.set(r.epci_siren, {
        nom: r.epci_nom,
        categorieJuridique: CATEGORIE_OF_NATURE[r.epci_nature] ?? '7346',
        communeCode: null,
        intercommunality: { epciSiren: r.epci_siren, epciNom: r.epci_nom, departementCode: dep, regionCode: dep ? (regionOfDepartement.get(dep) ?? null) : null },
      });
    }
  }
  return { bySiren };
}

let cached: CollectivitiesReference | undefined;
function defaultReference(): CollectivitiesReference {
  cached ??= readCollectivitiesReference();
  return cached;
}

/**
 * Source (c), after the SIRENE stock and the API: communes and EPCI known by their SIREN in the DGCL reference.
 * It places a buyer in its commune / EPCI / département / région without any SIRENE data, so territory questions
 * ("Lorient Agglomération × travaux") work on a fresh install; SIRENE, when imported, wins (it comes first and
 * also knows coordinates and headcounts). It knows nothing of companies: it answers `not-found` for them.
 */
export class CollectivitiesReferenceSource implements OrganisationSource {
  readonly origin = COLLECTIVITIES_REFERENCE_ORIGIN;

  constructor(private readonly reference: CollectivitiesReference = defaultReference()) {}

  async lookup(_em: SqlEntityManager, identifiers: readonly ClassifiedIdentifier[]): Promise<Map<string, SourceAnswer>> {
    const answers = new Map<string, SourceAnswer>();
    for (const i of identifiers) {
      const c = i.siren ? this.reference.bySiren.get(i.siren) : undefined;
      if (!c || !i.siren) {
        answers.set(i.id, { kind: 'not-found' });
        continue;
      }
      answers.set(i.id, {
        kind: 'found',
        facts: {
          siren: i.siren,
          siret: i.siret,
          nom: c.nom,
          categorieEntreprise: null,
          trancheEffectifs: null,
          categorieJuridique: c.categorieJuridique,
          naf: null,
          communeCode: c.communeCode,
          latitude: null,
          longitude: null,
          intercommunality: c.intercommunality,
        },
      });
    }
    return answers;
  }
}
