import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TerritoryReference } from '../../domain/territory';
import { parentCommuneOf } from '../../domain/territory';
import type { CommuneRecord, DepartementRecord, EpciRecord, RegionRecord } from '../orm/entities';

/** services/catalog/reference (see PROVENANCE.md there). */
export const DEFAULT_REFERENCE_DIR = path.resolve(__dirname, '../../../reference');

function readCsv(dir: string, file: string): Record<string, string>[] {
  return parse(readFileSync(path.join(dir, file)), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
}

export interface TerritoryTables {
  reference: TerritoryReference;
  regions: RegionRecord[];
  departements: DepartementRecord[];
  epcis: EpciRecord[];
  communes: CommuneRecord[];
}

/** Reads the COG and DGCL files once (35k communes, ~50 ms). */
export function readTerritoryTables(dir: string = DEFAULT_REFERENCE_DIR): TerritoryTables {
  const regions: RegionRecord[] = readCsv(dir, 'insee_cog_2026_regions.csv').map((r) => ({ code: r.REG, nom: r.LIBELLE }));
  const departements: DepartementRecord[] = readCsv(dir, 'insee_cog_2026_departements.csv').map((r) => ({
    code: r.DEP,
    nom: r.LIBELLE,
    regionCode: r.REG,
  }));
  const epciByCommune = new Map<string, { siren: string; nom: string }>();
  const epcis = new Map<string, EpciRecord>();
  for (const r of readCsv(dir, 'epci_communes_dgcl_2026_france.csv')) {
    if (!r.epci_siren) continue;
    epciByCommune.set(r.commune_code, { siren: r.epci_siren, nom: r.epci_nom });
    if (!epcis.has(r.epci_siren)) epcis.set(r.epci_siren, { siren: r.epci_siren, nom: r.epci_nom, nature: r.epci_nature || null });
  }
  const communeMap = new Map<string, { nom: string; departementCode: string; regionCode: string }>();
  const communes: CommuneRecord[] = [];
  for (const r of readCsv(dir, 'cog_communes_2025_france.csv')) {
    if (communeMap.has(r.commune_code)) continue;
    communeMap.set(r.commune_code, { nom: r.commune_nom, departementCode: r.departement_code, regionCode: r.region_code });
    const epci = epciByCommune.get(r.commune_code) ?? epciByCommune.get(parentCommuneOf(r.commune_code));
    communes.push({
      code: r.commune_code,
      nom: r.commune_nom,
      departementCode: r.departement_code,
      regionCode: r.region_code,
      epciSiren: epci?.siren ?? null,
    });
  }
  const reference: TerritoryReference = {
    communes: communeMap,
    epciByCommune,
    departements: new Map(departements.map((d) => [d.code, d.nom])),
    regions: new Map(regions.map((r) => [r.code, r.nom])),
  };
  return { reference, regions, departements, epcis: [...epcis.values()], communes };
}

let cached: TerritoryReference | undefined;
/** The territory reference of the default directory, read once per process. */
export function defaultTerritoryReference(): TerritoryReference {
  cached ??= readTerritoryTables().reference;
  return cached;
}
