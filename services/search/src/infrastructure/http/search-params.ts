import { FACET_NAMES, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, parseSearchQuery, type SearchQuery } from '../../domain/search-query';
import { SUPPLIER_CATEGORIES } from '../../domain/search-document';
import { SearchQueryInvalidError, type QueryIssue } from '../../domain/search.errors';

/**
 * The public query string of `GET /api/search`, mapped to the domain query. One table drives the
 * parsing, the error messages (they name the parameter the client sent) and the OpenAPI description.
 * Names follow the DECP vocabulary where it has one (`acheteur`, `procedure`, `nature`,
 * `dateNotification…`, `montant…`, `marcheInnovant`, `sousTraitanceDeclaree`), French otherwise.
 *
 * Multi-valued parameters accept repetition (`?cpv=45&cpv=71`) and comma lists (`?cpv=45,71`);
 * `nature` and `procedure` hold free labels, so they accept repetition only (a comma stays in the value).
 * Values of one parameter combine with OR, parameters with AND. Facets are disjunctive: each facet is
 * counted without its own parameter (see domain/disjunctive-facets.ts), hits and total with all of them.
 * Unknown parameters are refused (a typo must not silently widen a search).
 */
export type ParamKind = 'text' | 'list' | 'years' | 'labels' | 'boolean' | 'number' | 'integer' | 'date' | 'enum' | 'facets';

export interface SearchParamSpec {
  name: string;
  kind: ParamKind;
  /** Dotted path of the value in the domain query (SearchQueryInput). */
  target: string;
  description: string;
  /** Accepted values (enum, list of codes, facets). */
  values?: readonly string[];
  /** Accepted spelling → domain value. */
  aliases?: Record<string, string>;
  example?: string;
}

const SORTS = { pertinence: 'relevance', relevance: 'relevance', date: 'date', montant: 'amount', amount: 'amount' } as const;

export const SEARCH_PARAMS: readonly SearchParamSpec[] = [
  { name: 'q', kind: 'text', target: 'q', description: 'Texte libre (≤ 200 caractères), analysé en français (élisions, accents, racines) : chaque mot doit se trouver dans l’objet, le nom de l’acheteur ou d’un titulaire, ou le libellé CPV.', example: 'travaux de voirie' },
  { name: 'acheteur', kind: 'list', target: 'filters.buyer', description: 'SIRET (14 chiffres) ou SIREN (9 chiffres) de l’acheteur ; plusieurs = l’un ou l’autre.', example: '24350013900189' },
  { name: 'typeAcheteur', kind: 'list', target: 'filters.buyerType', description: 'Type d’acheteur : etat, commune, epci, departement, region, hopital, epic, syndicat-mixte, autre.', example: 'epci,commune' },
  { name: 'departementAcheteur', kind: 'list', target: 'filters.buyerTerritory.departement', description: 'Code du département de l’acheteur (22, 29, 35, 56, 2A…).', example: '29,56' },
  { name: 'regionAcheteur', kind: 'list', target: 'filters.buyerTerritory.region', description: 'Code INSEE de la région de l’acheteur (53 = Bretagne).', example: '53' },
  { name: 'epciAcheteur', kind: 'list', target: 'filters.buyerTerritory.epci', description: 'SIREN de l’EPCI de l’acheteur.', example: '243500139' },
  { name: 'acheteurBreton', kind: 'boolean', target: 'filters.buyerTerritory.bretagne', description: 'Acheteur situé en Bretagne (région 53).' },
  { name: 'departementTitulaire', kind: 'list', target: 'filters.supplierTerritory.departement', description: 'Département d’un titulaire (les conditions sur les titulaires portent sur un même titulaire).', example: '35' },
  { name: 'regionTitulaire', kind: 'list', target: 'filters.supplierTerritory.region', description: 'Région d’un titulaire.', example: '53' },
  { name: 'epciTitulaire', kind: 'list', target: 'filters.supplierTerritory.epci', description: 'SIREN de l’EPCI d’un titulaire.' },
  { name: 'titulaireBreton', kind: 'boolean', target: 'filters.supplierTerritory.bretagne', description: 'Un titulaire situé en Bretagne.' },
  { name: 'categorieTitulaire', kind: 'list', target: 'filters.supplierCategorie', values: SUPPLIER_CATEGORIES, description: 'Catégorie d’entreprise d’un titulaire : PME, ETI, GE ou unknown (étranger, non résolu, non diffusible).', example: 'PME' },
  { name: 'cpv', kind: 'list', target: 'filters.cpv', description: 'Préfixe de code CPV, 2 à 8 chiffres (45 = travaux, 4523 = routes…).', example: '45,71' },
  { name: 'typeAchat', kind: 'list', target: 'filters.purchaseType', values: ['travaux', 'fournitures', 'services'], description: 'Type d’achat déduit du CPV : travaux, fournitures, services.', example: 'travaux' },
  { name: 'nature', kind: 'labels', target: 'filters.nature', description: 'Nature du marché, libellé DECP exact (répéter le paramètre pour plusieurs).', example: 'Marché' },
  { name: 'procedure', kind: 'labels', target: 'filters.procedure', description: 'Procédure, libellé DECP exact (répéter le paramètre pour plusieurs).', example: 'Procédure adaptée' },
  { name: 'annee', kind: 'years', target: 'filters.year', description: 'Année de notification (AAAA), valeurs de la facette year ; un marché sans date de notification n’a pas d’année.', example: '2023,2024' },
  { name: 'dateNotificationMin', kind: 'date', target: 'filters.notificationDate.min', description: 'Notifié le ou après (AAAA-MM-JJ).', example: '2024-01-01' },
  { name: 'dateNotificationMax', kind: 'date', target: 'filters.notificationDate.max', description: 'Notifié le ou avant (AAAA-MM-JJ).', example: '2024-12-31' },
  { name: 'montantMin', kind: 'number', target: 'filters.amount.min', description: 'Montant minimal en euros HT (montants exploitables seulement).', example: '40000' },
  { name: 'montantMax', kind: 'number', target: 'filters.amount.max', description: 'Montant maximal en euros HT (montants exploitables seulement).' },
  { name: 'considerationSociale', kind: 'boolean', target: 'filters.considerationSociale', description: 'Au moins une considération sociale déclarée.' },
  { name: 'considerationEnvironnementale', kind: 'boolean', target: 'filters.considerationEnvironnementale', description: 'Au moins une considération environnementale déclarée.' },
  { name: 'marcheInnovant', kind: 'boolean', target: 'filters.innovation', description: 'Marché innovant (non renseigné : exclu des deux valeurs).' },
  { name: 'sousTraitanceDeclaree', kind: 'boolean', target: 'filters.subcontracting', description: 'Sous-traitance déclarée.' },
  { name: 'offreUnique', kind: 'boolean', target: 'filters.singleBid', description: 'Une seule offre reçue (nombre d’offres non publié : exclu des deux valeurs).' },
  { name: 'tri', kind: 'enum', target: 'sort.field', values: Object.keys(SORTS), aliases: SORTS, description: 'Ordre : pertinence (défaut ; date sans texte), date (de notification) ou montant. Alias anglais : relevance, amount.', example: 'date' },
  { name: 'ordre', kind: 'enum', target: 'sort.order', values: ['asc', 'desc'], description: 'Sens du tri (défaut desc). Dates et montants absents toujours en dernier.', example: 'desc' },
  { name: 'limit', kind: 'integer', target: 'size', description: `Résultats par page, 1 à ${MAX_PAGE_SIZE} (défaut ${DEFAULT_PAGE_SIZE}).`, example: '20' },
  { name: 'cursor', kind: 'text', target: 'cursor', description: 'Valeur `nextCursor` de la page précédente (même recherche, même tri).' },
  { name: 'facettes', kind: 'facets', target: 'facets', values: FACET_NAMES, description: `Facettes à calculer, parmi ${FACET_NAMES.join(', ')} ; toutes par défaut ; vide ou "aucune" pour aucune.`, example: 'purchaseType,year' },
  { name: 'surlignage', kind: 'boolean', target: 'highlight', description: 'Objet avec les mots trouvés entourés de <mark> (défaut true).' },
];

const BY_NAME = new Map(SEARCH_PARAMS.map((p) => [p.name, p]));
const TRUE = new Set(['true', '1', 'oui', 'yes']);
const FALSE = new Set(['false', '0', 'non', 'no']);

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

/** Values of one parameter as strings; objects (an `a[b]=c` under an extended parser) are refused. */
function rawValues(value: unknown): string[] | null {
  const values = Array.isArray(value) ? value : [value];
  return values.every((v) => typeof v === 'string') ? (values as string[]) : null;
}

function single(spec: SearchParamSpec, values: string[], issues: QueryIssue[]): string | undefined {
  if (values.length > 1) {
    issues.push({ path: spec.name, message: 'given more than once' });
    return undefined;
  }
  return values[0].trim();
}

function convert(spec: SearchParamSpec, values: string[], issues: QueryIssue[]): unknown {
  const fail = (message: string) => {
    issues.push({ path: spec.name, message });
    return undefined;
  };
  switch (spec.kind) {
    case 'list':
    case 'facets': {
      const items = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
      if (spec.kind === 'facets') {
        if (items.length === 1 && items[0] === 'aucune') return [];
      } else if (items.length === 0) return fail('empty value');
      const unknown = spec.values ? items.filter((v) => !spec.values!.includes(v)) : [];
      if (unknown.length) return fail(`valeur inconnue ${unknown.map((v) => `« ${v} »`).join(', ')} (attendu : ${spec.values!.join(', ')})`);
      return spec.kind === 'facets' ? [...new Set(items)] : items;
    }
    case 'years': {
      const items = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
      if (items.length === 0) return fail('empty value');
      const bad = items.filter((v) => !/^\d{4}$/.test(v));
      if (bad.length) return fail(`année à 4 chiffres attendue, comme 2024, et non ${bad.map((v) => `« ${v} »`).join(', ')}`);
      return items.map(Number);
    }
    case 'labels': {
      const items = values.map((v) => v.trim()).filter((v) => v !== '');
      return items.length ? items : fail('empty value');
    }
    case 'text': {
      const v = single(spec, values, issues);
      return v === undefined || v === '' ? undefined : v;
    }
    case 'boolean': {
      const v = single(spec, values, issues)?.toLowerCase();
      if (v === undefined) return undefined;
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      return fail(`oui ou non attendu (aussi true/false, 1/0), et non « ${v} »`);
    }
    case 'number': {
      const v = single(spec, values, issues);
      if (v === undefined) return undefined;
      return /^\d+(\.\d+)?$/.test(v) ? Number(v) : fail(`montant positif en euros attendu, comme 40000 ou 40000.50, et non « ${v} »`);
    }
    case 'integer': {
      const v = single(spec, values, issues);
      if (v === undefined) return undefined;
      return /^\d{1,6}$/.test(v) ? Number(v) : fail(`nombre entier attendu, et non « ${v} »`);
    }
    case 'date': {
      const v = single(spec, values, issues);
      if (v === undefined) return undefined;
      return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? v : fail(`date AAAA-MM-JJ attendue, et non « ${v} »`);
    }
    case 'enum': {
      const v = single(spec, values, issues);
      if (v === undefined) return undefined;
      if (!spec.values!.includes(v)) return fail(`une valeur parmi ${spec.values!.join(', ')} attendue, et non « ${v} »`);
      return spec.aliases?.[v] ?? v;
    }
  }
}

/** The parameter(s) a domain issue path comes from: `filters.buyer.0` → acheteur, `filters.amount` → montantMin, montantMax. */
function paramOfDomainPath(path: string): string {
  const names = SEARCH_PARAMS.filter((p) => path === p.target || path.startsWith(`${p.target}.`) || p.target.startsWith(`${path}.`)).map((p) => p.name);
  return names.length ? names.join(', ') : path;
}

/**
 * Query string → validated domain query. Throws SearchQueryInvalidError whose issues name the
 * query parameters (`montantMin: expected …`), all of them at once.
 */
export function searchQueryFromParams(params: Record<string, unknown>): SearchQuery {
  const issues: QueryIssue[] = [];
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    const spec = BY_NAME.get(name);
    if (!spec) {
      issues.push({ path: name, message: `paramètre inconnu (paramètres possibles : ${SEARCH_PARAMS.map((p) => p.name).join(', ')})` });
      continue;
    }
    const values = rawValues(value);
    if (!values) {
      issues.push({ path: name, message: 'valeurs simples attendues (nom=valeur), pas un objet' });
      continue;
    }
    const converted = convert(spec, values, issues);
    if (converted !== undefined) setPath(input, spec.target, converted);
  }
  if (issues.length) throw new SearchQueryInvalidError(issues);
  try {
    return parseSearchQuery(input);
  } catch (err) {
    if (err instanceof SearchQueryInvalidError) {
      throw new SearchQueryInvalidError(err.issues.map((i) => ({ path: paramOfDomainPath(i.path), message: i.message })));
    }
    throw err;
  }
}

export const SUGGEST_PARAMS: readonly SearchParamSpec[] = [
  { name: 'q', kind: 'text', target: 'prefix', description: 'Début d’un mot du nom (accents et casse ignorés), ou au moins 3 premiers chiffres du SIRET/SIREN.', example: 'rennes' },
  { name: 'limit', kind: 'integer', target: 'limit', description: 'Nombre de propositions, 1 à 50 (défaut 10).', example: '10' },
];

/** `GET /api/search/organisations?q=&limit=` → (prefix, limit), validated by the port. */
export function suggestParamsFrom(params: Record<string, unknown>): { prefix: string; limit?: number } {
  const issues: QueryIssue[] = [];
  const out: { prefix?: string; limit?: number } = {};
  for (const [name, value] of Object.entries(params)) {
    const spec = SUGGEST_PARAMS.find((p) => p.name === name);
    const values = rawValues(value);
    if (!spec) issues.push({ path: name, message: 'paramètre inconnu (paramètres possibles : q, limit)' });
    else if (!values) issues.push({ path: name, message: 'valeurs simples attendues (nom=valeur), pas un objet' });
    else {
      const v = convert(spec, values, issues);
      if (v !== undefined) (out as Record<string, unknown>)[spec.target] = v;
    }
  }
  if (out.prefix === undefined && !issues.some((i) => i.path === 'q')) issues.push({ path: 'q', message: 'obligatoire : le début d’un nom ou d’un SIRET' });
  if (issues.length) throw new SearchQueryInvalidError(issues);
  return { prefix: out.prefix!, limit: out.limit };
}
