import type { ContractKind, DecpFormat } from '@observatoire/contracts';
import { normaliseCpv } from './cpv';
import { canonicalEnum, type EnumName } from './enums';
import type { FlagSink } from './flag-sink';
import { readBoolean, readNumber, readText } from './scalars';
import { isObject, readStringList, type Obj } from './shapes';

export function readEnum(name: EnumName, value: unknown, field: string, flags: FlagSink): string | null {
  const text = readText(value, field, flags);
  return text === null ? null : canonicalEnum(name, text, field, flags);
}

export function readEnumList(name: EnumName, value: unknown, itemKey: string, field: string, flags: FlagSink): string[] {
  const out: string[] = [];
  for (const v of readStringList(value, itemKey)) {
    const c = canonicalEnum(name, v, field, flags);
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

export function readCpv(value: unknown, flags: FlagSink): string | null {
  const cpv = normaliseCpv(value);
  if (cpv.status === 'repaired') flags.add('CPV_REPAIRED', 'codeCPV', `codeCPV: "${String(value)}" read as ${cpv.code} (${cpv.repair})`, value);
  if (cpv.status === 'invalid') flags.add('CPV_INVALID', 'codeCPV', `codeCPV: "${String(value)}" is not a CPV code; set to null`, value);
  return cpv.code;
}

/** "Pas de considération …" combined with another value is contradictory (CONSIDERATION_CONTRADICTORY). */
export function checkConsiderations(values: string[], field: string, flags: FlagSink): void {
  if (values.length > 1 && values.some((v) => v.startsWith('Pas de considération'))) {
    flags.add('CONSIDERATION_CONTRADICTORY', field, `${field}: "${values.find((v) => v.startsWith('Pas de'))}" combined with ${values.filter((v) => !v.startsWith('Pas de')).join(', ')}`);
  }
}

/** 2019 formePrix (Ferme / Ferme et actualisable / Révisable) is the 2022 typesPrix. */
const FORME_PRIX_2019: Readonly<Record<string, string>> = {
  ferme: 'Définitif ferme',
  'ferme et actualisable': 'Définitif actualisable',
  actualisable: 'Définitif actualisable',
  revisable: 'Définitif révisable',
};

export interface PriceFields {
  readonly formePrix: string | null;
  readonly typesPrix: string[];
}

export function readPrices(item: Obj, generation: '2019' | '2022', flags: FlagSink): PriceFields {
  const rawForme = readText(item.formePrix, 'formePrix', flags);
  const key = rawForme ? rawForme.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim() : null;
  const typesPrix = readEnumList('typePrix', item.typesPrix, 'typePrix', 'typesPrix', flags);
  if (item.typePrix !== undefined && typesPrix.length === 0) {
    flags.add('SCHEMA_DEVIATION', 'typePrix', 'typePrix: singular field instead of typesPrix {typePrix: […]}; read anyway', item.typePrix);
    typesPrix.push(...readEnumList('typePrix', item.typePrix, 'typePrix', 'typePrix', flags));
  }
  if (key && FORME_PRIX_2019[key]) {
    if (generation === '2022') flags.add('LEGACY_SPELLING_REPAIRED', 'formePrix', `formePrix: 2019 value "${rawForme}" read as typesPrix "${FORME_PRIX_2019[key]}"`, rawForme);
    if (!typesPrix.includes(FORME_PRIX_2019[key])) typesPrix.push(FORME_PRIX_2019[key]);
    return { formePrix: null, typesPrix };
  }
  return { formePrix: rawForme ? canonicalEnum('formePrix', rawForme, 'formePrix', flags) : null, typesPrix };
}

export interface NatureFields {
  readonly nature: string | null;
  readonly techniques: string[];
  readonly modalitesExecution: string[];
}

/** 2019 nature "Accord-cadre" / "Marché subséquent" → nature "Marché" + technique / modalité (2022). */
export function readNature(item: Obj, kind: ContractKind, flags: FlagSink): NatureFields {
  const techniques = readEnumList('technique', item.techniques, 'technique', 'techniques', flags);
  const modalitesExecution = readEnumList('modaliteExecution', item.modalitesExecution, 'modaliteExecution', 'modalitesExecution', flags);
  const raw = readText(item.nature, 'nature', flags);
  if (!raw) return { nature: null, techniques, modalitesExecution };
  if (kind === 'concession') return { nature: canonicalEnum('natureConcession', raw, 'nature', flags), techniques, modalitesExecution };
  const key = raw.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
  const spelt = (canonical: string): void => {
    if (raw !== canonical) flags.add('LEGACY_SPELLING_REPAIRED', 'nature', `nature: "${raw}" read as "${canonical}"`, raw);
  };
  if (key === 'accord-cadre' || key === 'accord cadre') {
    spelt('Accord-cadre');
    if (!techniques.includes('Accord-cadre')) techniques.push('Accord-cadre');
    return { nature: 'Marché', techniques, modalitesExecution };
  }
  if (key === 'marche subsequent') {
    spelt('Marché subséquent');
    if (!modalitesExecution.includes('Marchés subséquents')) modalitesExecution.push('Marchés subséquents');
    return { nature: 'Marché', techniques, modalitesExecution };
  }
  return { nature: canonicalEnum('natureMarche', raw, 'nature', flags), techniques, modalitesExecution };
}

export interface ExtraFields {
  readonly offresRecues: number | null;
  readonly attributionAvance: boolean | null;
  readonly tauxAvance: number | null;
  readonly marcheInnovant: boolean | null;
  readonly ccag: string | null;
  readonly sousTraitanceDeclaree: boolean | null;
  readonly typeGroupementOperateurs: string | null;
  readonly origineUE: number | null;
  readonly origineFrance: number | null;
  readonly idAccordCadre: string | null;
}

/** The 2022-only (former "recensement") fields. */
export function readRecensement(item: Obj, flags: FlagSink): ExtraFields {
  return {
    offresRecues: readNumber(item.offresRecues, 'offresRecues', flags),
    attributionAvance: readBoolean(item.attributionAvance, 'attributionAvance', flags),
    tauxAvance: readNumber(item.tauxAvance, 'tauxAvance', flags),
    marcheInnovant: readBoolean(item.marcheInnovant, 'marcheInnovant', flags),
    ccag: readEnum('ccag', item.ccag, 'ccag', flags),
    sousTraitanceDeclaree: readBoolean(item.sousTraitanceDeclaree, 'sousTraitanceDeclaree', flags),
    typeGroupementOperateurs: readEnum('typeGroupementOperateurs', item.typeGroupementOperateurs, 'typeGroupementOperateurs', flags),
    origineUE: readNumber(item.origineUE, 'origineUE', flags),
    origineFrance: readNumber(item.origineFrance, 'origineFrance', flags),
    idAccordCadre: readText(item.idAccordCadre, 'idAccordCadre', flags),
  };
}

export function readLieu(value: unknown, flags: FlagSink): { code: string | null; typeCode: string | null; nom?: string | null } | null {
  if (!isObject(value)) return null;
  const code = readText(value.code, 'lieuExecution.code', flags);
  const typeCode = readEnum('typeCode', value.typeCode, 'lieuExecution.typeCode', flags);
  const nom = readText(value.nom, 'lieuExecution.nom', flags);
  if (code === null && typeCode === null && nom === null) return null;
  return nom === null ? { code, typeCode } : { code, typeCode, nom };
}

export function generationOf(format: DecpFormat | null): '2019' | '2022' {
  return format === 'decp-2019-json' || format === 'decp-2019-xml' || format === 'tabular-mapped' ? '2019' : '2022';
}
