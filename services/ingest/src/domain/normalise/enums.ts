import type { FlagSink } from './flag-sink';

/** Canonical 2022 (2.0.3) spellings of the enumerated fields, plus the 2019 values that survive. */
export const ENUMS = {
  natureMarche: ['Marché', 'Marché de partenariat', 'Marché de défense ou de sécurité'],
  natureConcession: ['Concession de travaux', 'Concession de service', 'Concession de service public', 'Délégation de service public'],
  procedureMarche: [
    'Procédure adaptée', "Appel d'offres ouvert", "Appel d'offres restreint", 'Procédure avec négociation',
    'Marché passé sans publicité ni mise en concurrence préalable', 'Dialogue compétitif',
  ],
  procedureConcession: ['Procédure négociée ouverte', 'Procédure non négociée ouverte', 'Procédure négociée restreinte', 'Procédure non négociée restreinte'],
  ccag: [
    'Travaux', "Maitrise d'œuvre", 'Fournitures courantes et services', 'Marchés industriels', 'Prestations intellectuelles',
    "Techniques de l'information et de la communication", 'Pas de CCAG',
  ],
  typeGroupementOperateurs: ['Conjoint', 'Solidaire', 'Pas de groupement'],
  formePrix: ['Unitaire', 'Forfaitaire', 'Mixte'],
  typeCode: ['Code postal', 'Code commune', 'Code arrondissement', 'Code canton', 'Code département', 'Code région', 'Code pays'],
  technique: ['Accord-cadre', 'Concours', 'Système de qualification', "Système d'acquisition dynamique", 'Catalogue électronique', 'Enchère électronique', 'Sans objet'],
  modaliteExecution: ['Tranches', 'Bons de commande', 'Marchés subséquents', 'Sans objet'],
  typePrix: ['Définitif ferme', 'Définitif actualisable', 'Définitif révisable', 'Provisoire'],
  considerationSociale: ['Clause sociale', 'Critère social', 'Marché réservé', 'Concession réservée', 'Pas de considération sociale'],
  considerationEnvironnementale: ['Clause environnementale', 'Critère environnemental', 'Pas de considération environnementale'],
  typeIdentifiant: ['SIRET', 'SIREN', 'TVA', 'TAHITI', 'RIDET', 'FRWF', 'IREP', 'UE', 'HORS-UE'],
} as const;
export type EnumName = keyof typeof ENUMS;

/** Legacy 1.4 procedure names still found in 2024 data → 2022 spelling. */
const LEGACY_PROCEDURES: Readonly<Record<string, string>> = {
  'procedure concurrentielle avec negociation': 'Procédure avec négociation',
  'procedure negociee avec mise en concurrence prealable': 'Procédure avec négociation',
  'marche negocie sans publicite ni mise en concurrence prealable': 'Marché passé sans publicité ni mise en concurrence préalable',
};
/** Identifier types as spelt in the wild. */
const TYPE_IDENTIFIANT_ALIASES: Readonly<Record<string, string>> = {
  hors_ue: 'HORS-UE', 'hors ue': 'HORS-UE', horsue: 'HORS-UE', 'tva-intracommunautaire': 'TVA', 'tva intracommunautaire': 'TVA', tva_intracommunautaire: 'TVA',
};

/** Comparison key: no accents, lower case, one apostrophe, single spaces, œ → oe. */
export function enumKey(text: string): string {
  return text
    .replace(/[œŒ]/g, 'oe')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’‘ʼ´`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

const LOOKUP = new Map<EnumName, Map<string, string>>(
  (Object.keys(ENUMS) as EnumName[]).map((name) => [name, new Map(ENUMS[name].map((v) => [enumKey(v), v]))]),
);

const EXACT = new Map<EnumName, ReadonlySet<string>>((Object.keys(ENUMS) as EnumName[]).map((name) => [name, new Set<string>(ENUMS[name])]));

/**
 * Canonical spelling of an enum value. Spelling drift (case, accents, apostrophes), the 1.4 procedure
 * names and identifier-type aliases are repaired (LEGACY_SPELLING_REPAIRED); an unknown value is kept
 * as published (ENUM_UNKNOWN). Both flags name the field.
 */
export function canonicalEnum(name: EnumName, raw: string, field: string, flags: FlagSink): string {
  if (EXACT.get(name)?.has(raw)) return raw; // fast path: already the standard spelling
  const key = enumKey(raw);
  const found = LOOKUP.get(name)?.get(key) ?? legacy(name, key);
  if (found === undefined) {
    if (name === 'typeIdentifiant' && /^frw/i.test(raw.trim())) return repaired('FRWF', raw, field, flags);
    flags.add('ENUM_UNKNOWN', field, `${field}: "${raw}" is not a value of the standard; kept as published`, raw);
    return raw.trim();
  }
  return found === raw ? found : repaired(found, raw, field, flags);
}

function legacy(name: EnumName, key: string): string | undefined {
  if (name === 'procedureMarche') return LEGACY_PROCEDURES[key];
  if (name === 'typeIdentifiant') return TYPE_IDENTIFIANT_ALIASES[key];
  return undefined;
}

function repaired(found: string, raw: string, field: string, flags: FlagSink): string {
  flags.add('LEGACY_SPELLING_REPAIRED', field, `${field}: "${raw}" read as "${found}"`, raw);
  return found;
}
