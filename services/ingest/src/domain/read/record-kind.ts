import type { ContractKind } from '@observatoire/contracts';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Kind of a 2019 item (one array mixes both kinds): `_type` first ("Marché", "Contrat de concession",
 * any case or accent), then the shape (autoriteConcedante / concessionnaires / valeurGlobale → concession;
 * acheteur / titulaires → marché).
 */
export function kindOfRecord(value: unknown): ContractKind | null {
  if (!isObject(value)) return null;
  const type = typeof value._type === 'string' ? value._type.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase() : '';
  if (type.includes('concession')) return 'concession';
  if (type.startsWith('marche')) return 'marche';
  if ('autoriteConcedante' in value || 'concessionnaires' in value || 'valeurGlobale' in value) return 'concession';
  if ('acheteur' in value || 'acheteur.id' in value || 'titulaires' in value || 'montant' in value) return 'marche';
  return null;
}
