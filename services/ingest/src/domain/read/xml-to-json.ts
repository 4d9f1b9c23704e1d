/**
 * Converts one XML record element to the JSON shape of its format version, so that the same
 * normaliser and the same JSON-schema check apply to XML and JSON (the XSDs are not run: no
 * maintained streaming XSD validator exists for Node; the JSON schemas carry the same rules).
 */

export interface XmlNode {
  readonly name: string;
  readonly children: XmlNode[];
  text: string;
}

export type XmlVersion = '2019' | '2022';

/** List containers and the name of their item elements (both versions). */
const LIST_CONTAINERS: Readonly<Record<string, string>> = {
  titulaires: 'titulaire',
  modifications: 'modification',
  concessionnaires: 'concessionnaire',
  donneesExecution: 'donneesAnnuelles',
  tarifs: 'tarif',
  actesSousTraitance: 'acteSousTraitance',
  modificationsActesSousTraitance: 'modificationActesSousTraitance',
};
/** JSON spells some item wrappers differently from the XSD. */
const JSON_ITEM_NAME: Readonly<Record<string, string>> = { modificationActesSousTraitance: 'modificationActeSousTraitance' };

/** 2022 multi-valued enums: `<techniques><technique>…` → `{technique: […]}`. */
const ENUM_CONTAINERS: Readonly<Record<string, string>> = {
  techniques: 'technique',
  modalitesExecution: 'modaliteExecution',
  typesPrix: 'typePrix',
  considerationsSociales: 'considerationSociale',
  considerationsEnvironnementales: 'considerationEnvironnementale',
};

const NUMBER_FIELDS = new Set([
  'montant', 'dureeMois', 'offresRecues', 'tauxAvance', 'origineUE', 'origineFrance', 'valeurGlobale',
  'montantSubventionPublique', 'depensesInvestissement', 'tarif',
]);
/** Integer ids of 2022 modifications and subcontracting acts. */
const NUMBER_ID_PARENTS = new Set(['modification', 'acteSousTraitance', 'modificationActesSousTraitance']);
const BOOLEAN_FIELDS = new Set(['marcheInnovant', 'attributionAvance', 'sousTraitanceDeclaree']);
const NUMERIC = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

export function parseXmlBoolean(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (t === 'oui' || t === 'true' || t === '1') return true;
  if (t === 'non' || t === 'false' || t === '0') return false;
  return null;
}

function scalar(node: XmlNode, parentName: string, version: XmlVersion): unknown {
  const text = node.text.trim();
  if (text === '') return null; // empty element = null
  if (NUMBER_FIELDS.has(node.name) || (version === '2022' && node.name === 'id' && NUMBER_ID_PARENTS.has(parentName))) {
    return NUMERIC.test(text) ? Number(text) : text;
  }
  if (BOOLEAN_FIELDS.has(node.name)) return parseXmlBoolean(text) ?? text;
  return text;
}

function listValue(node: XmlNode, version: XmlVersion): unknown[] {
  const itemName = LIST_CONTAINERS[node.name];
  const jsonItem = JSON_ITEM_NAME[itemName] ?? itemName;
  // An empty item element (`<modifications><modification/></modifications>`, as the AIFE / PES XML
  // exports write "no modification") carries nothing: it is no item, as an empty element is null.
  const items = node.children.filter((child) => child.children.length > 0 || child.text.trim() !== '');
  return items.map((child) => {
    const value = convertNode(child, node.name, version);
    // 2022 JSON wraps every list item: [{"titulaire": {…}}]; 2019 JSON does not.
    return version === '2022' && child.name === itemName ? { [jsonItem]: value } : value;
  });
}

function objectValue(node: XmlNode, version: XmlVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of node.children) {
    const value = convertNode(child, node.name, version);
    if (child.name in out) {
      const prev = out[child.name];
      out[child.name] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    } else out[child.name] = value;
  }
  return out;
}

export function convertNode(node: XmlNode, parentName: string, version: XmlVersion): unknown {
  if (node.name in LIST_CONTAINERS && (node.children.length > 0 || node.text.trim() === '')) {
    return listValue(node, version);
  }
  if (version === '2022' && node.name in ENUM_CONTAINERS) {
    const itemName = ENUM_CONTAINERS[node.name];
    return { [itemName]: node.children.map((c) => c.text.trim()) };
  }
  if (node.children.length === 0) return scalar(node, parentName, version);
  return objectValue(node, version);
}

/** The record element converted to the JSON item shape (the kind is given by the element name). */
export function xmlRecordToJson(node: XmlNode, version: XmlVersion): unknown {
  return objectValue(node, version);
}
