/**
 * Territory of a commune: commune → EPCI → département → région (DOMAIN.md §4).
 * The reference is plain data (built from the COG and DGCL files by the infrastructure).
 */
export interface TerritoryReference {
  communes: ReadonlyMap<string, { nom: string; departementCode: string; regionCode: string }>;
  epciByCommune: ReadonlyMap<string, { siren: string; nom: string }>;
  departements: ReadonlyMap<string, string>;
  regions: ReadonlyMap<string, string>;
}

export interface Territory {
  commune: { code: string; nom: string };
  /** null for communes outside any EPCI (the Breton islands 22016, 29083, 29155). */
  epci: { siren: string; nom: string } | null;
  departement: { code: string; nom: string | null };
  region: { code: string; nom: string | null };
}

/** Municipal arrondissements of Paris, Lyon and Marseille → their commune (which carries the EPCI). */
export function parentCommuneOf(code: string): string {
  if (/^751(0[1-9]|1\d|20)$/.test(code)) return '75056';
  if (/^6938[1-9]$/.test(code)) return '69123';
  if (/^132(0[1-9]|1[0-6])$/.test(code)) return '13055';
  return code;
}

export function territoryOf(communeCode: string | null | undefined, ref: TerritoryReference): Territory | null {
  const code = communeCode?.trim().toUpperCase();
  if (!code) return null;
  const commune = ref.communes.get(code);
  if (!commune) return null;
  const epci = ref.epciByCommune.get(code) ?? ref.epciByCommune.get(parentCommuneOf(code)) ?? null;
  return {
    commune: { code, nom: commune.nom },
    epci,
    departement: { code: commune.departementCode, nom: ref.departements.get(commune.departementCode) ?? null },
    region: { code: commune.regionCode, nom: ref.regions.get(commune.regionCode) ?? null },
  };
}
