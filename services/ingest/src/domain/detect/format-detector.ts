import type { DecpFormat } from '@observatoire/contracts';

/** How many decompressed bytes detection looks at. */
export const SNIFF_BYTES = 64 * 1024;

export type CsvDelimiter = ',' | ';';

export type FormatDetection =
  | { readonly ok: true; readonly format: DecpFormat; readonly schemaVersion: string | null; readonly csvDelimiter: CsvDelimiter | null }
  | { readonly ok: false; readonly seen: string; readonly message: string };

/** Columns of decp.info's consolidated table (reference/decp-processing_schema_base_tableschema.json). */
export const DECP_INFO_COLUMNS: ReadonlySet<string> = new Set([
  'uid', 'id', 'nature', 'acheteur_id', 'acheteur_nom', 'titulaire_id', 'titulaire_typeIdentifiant', 'titulaire_nom',
  'objet', 'montant', 'type', 'codeCPV', 'procedure', 'techniques', 'dureeMois', 'dureeRestanteMois', 'offresRecues',
  'dateNotification', 'datePublicationDonnees', 'formePrix', 'typesPrix', 'attributionAvance', 'tauxAvance',
  'marcheInnovant', 'modalitesExecution', 'considerationsSociales', 'considerationsEnvironnementales', 'ccag',
  'sousTraitanceDeclaree', 'typeGroupementOperateurs', 'origineUE', 'origineFrance', 'lieuExecution_code',
  'lieuExecution_typeCode', 'idAccordCadre', 'titulaire_distance', 'acheteur_categorie', 'acheteur_commune_code',
  'acheteur_commune_nom', 'acheteur_departement_code', 'acheteur_departement_nom', 'acheteur_region_code',
  'acheteur_region_nom', 'acheteur_latitude', 'acheteur_longitude', 'titulaire_categorie', 'titulaire_commune_code',
  'titulaire_commune_nom', 'titulaire_departement_code', 'titulaire_departement_nom', 'titulaire_region_code',
  'titulaire_region_nom', 'titulaire_latitude', 'titulaire_longitude', 'modification_id', 'donneesActuelles',
  'sourceDataset', 'sourceFile',
]);

/** Columns without which a decp.info row cannot become a contract. */
const CSV_REQUIRED_COLUMNS = ['id', 'acheteur_id'];

/** Element names that only the 2022 format (2.0.x) has. */
const XML_2022_MARKERS = [
  '<considerationsSociales', '<considerationsEnvironnementales', '<techniques', '<modalitesExecution', '<typesPrix',
  '<offresRecues', '<ccag', '<marcheInnovant', '<attributionAvance', '<tauxAvance', '<sousTraitanceDeclaree',
  '<actesSousTraitance', '<typeGroupementOperateurs', '<origineFrance', '<origineUE', '<idAccordCadre', '<donneesAnnuelles',
];
/** Element names and values that only the 2019 format (1.x) has. */
const XML_2019_MARKERS = [
  '<denominationSociale', '<_type', '<uid>', '<objetModification', '<nom>', '>Ferme et actualisable<', '>Ferme<',
  '>Révisable</formePrix', '>Accord-cadre</nature', '>Marché subséquent</nature',
];

const VERSION_IN_SCHEMA_URL = /format-commande-publique\/(?:[^"]*?\/)?(\d+\.\d+\.\d+)\//;
const SCHEMA_VERSION_IN_NAME = /v?(\d+\.\d+\.\d+)/;

/** Removes a UTF-8 BOM (as decoded U+FEFF) and leading whitespace / control characters. */
export function stripLeadingNoise(text: string): string {
  return text.replace(/^[\uFEFF\s\u0000-\u001F]+/, '');
}

function declaredVersion(head: string): string | null {
  const url = head.match(/"\$schema"\s*:\s*"([^"]*)"/);
  if (!url) return null;
  const v = url[1].match(VERSION_IN_SCHEMA_URL) ?? url[1].match(SCHEMA_VERSION_IN_NAME);
  return v ? v[1] : null;
}

function detectJson(text: string): FormatDetection | null {
  if (!text.startsWith('{')) return null;
  const version = declaredVersion(text);
  if (/"marches"\s*:\s*\[/.test(text)) {
    return { ok: true, format: 'decp-2019-json', schemaVersion: version ?? '1.5.0', csvDelimiter: null };
  }
  if (/"marches"\s*:\s*\{\s*("marche"|"contrat-concession"|\})/.test(text)) {
    return { ok: true, format: 'decp-2022-json', schemaVersion: version ?? '2.0.3', csvDelimiter: null };
  }
  return null;
}

function firstElementName(text: string): string | null {
  const withoutProlog = text
    .replace(/<\?[^>]*>/g, ' ') // XML declaration, even a broken one without "?>"
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<!DOCTYPE[^>]*>/gi, ' ');
  const m = withoutProlog.match(/<([A-Za-z_][\w.:-]*)/);
  return m ? m[1] : null;
}

function countMarkers(text: string, markers: readonly string[]): number {
  return markers.reduce((n, marker) => (text.includes(marker) ? n + 1 : n), 0);
}

/**
 * 2019 vs 2022 XML cannot be told by the root or by list wrappers: both formats spell
 * `<marches><marche>`/`<contrat-concession>` and both wrap `<titulaires><titulaire>`.
 * The heuristic counts, in the first 64 KiB, element names that exist in only one version
 * (2022: considerationsSociales, techniques, typesPrix, offresRecues, ccag…; 2019: denominationSociale,
 * _type, objetModification, acheteur <nom>, 2019 formePrix values). The larger count wins;
 * a tie (a minimal record with neither) is read as 2022, the format mandatory since 2024.
 */
function detectXml(text: string): FormatDetection | null {
  if (!text.startsWith('<')) return null;
  const root = firstElementName(text);
  if (root !== 'marches' && root !== 'marche' && root !== 'contrat-concession') return null;
  const score2022 = countMarkers(text, XML_2022_MARKERS);
  const score2019 = countMarkers(text, XML_2019_MARKERS);
  return score2019 > score2022
    ? { ok: true, format: 'decp-2019-xml', schemaVersion: '1.5.0', csvDelimiter: null }
    : { ok: true, format: 'decp-2022-xml', schemaVersion: '2.0.3', csvDelimiter: null };
}

export function splitCsvHeader(line: string, delimiter: CsvDelimiter): string[] {
  return line.split(delimiter).map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
}

function detectCsv(text: string): FormatDetection | null {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  let best: { delimiter: CsvDelimiter; known: number; columns: string[] } | null = null;
  for (const delimiter of [',', ';'] as const) {
    const columns = splitCsvHeader(firstLine, delimiter);
    const known = columns.filter((c) => DECP_INFO_COLUMNS.has(c)).length;
    if (!best || known > best.known) best = { delimiter, known, columns };
  }
  if (!best || best.known < 3 || !CSV_REQUIRED_COLUMNS.every((c) => best.columns.includes(c))) return null;
  return { ok: true, format: 'decp-info-csv', schemaVersion: null, csvDelimiter: best.delimiter };
}

/**
 * Detects the DECP shape from the first (decompressed) bytes, never from the file name.
 * Order: JSON (`{"marches":[` → 2019, `{"marches":{"marche"|"contrat-concession"` → 2022), XML root
 * (`<marches>`, `<marche>`, `<contrat-concession>`), then a decp.info CSV header (`,` or `;`).
 */
export function detectFormat(head: Buffer | string, fileName = 'input'): FormatDetection {
  const text = stripLeadingNoise(typeof head === 'string' ? head : head.toString('utf8'));
  const detected = detectJson(text) ?? detectXml(text) ?? detectCsv(text);
  if (detected) return detected;
  const seen = JSON.stringify(text.slice(0, 80));
  return {
    ok: false,
    seen,
    message: `${fileName}: unknown format — expected DECP JSON ({"marches": …}), DECP XML (<marches>/<marche>) or a decp.info CSV header; the file starts with ${seen}`,
  };
}
