import type { ContractKind, Enrichment } from '@observatoire/contracts';
import type { RawRecord } from '../raw-record';
import { normaliseItem } from './normalise-item';
import type { NormaliseContext, NormaliseOutcome } from './normalise-outcome';
import type { Obj } from './shapes';

const NUMERIC = /^-?\d+(\.\d+)?$/;
const NUMBER_COLUMNS = ['montant', 'dureeMois', 'offresRecues', 'tauxAvance', 'origineUE', 'origineFrance'];

function cell(row: Obj, column: string): string | null {
  const v = row[column];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** CSV cells are text by nature: a clean number is a number (no "repaired" flag); other text is left to the field rules. */
function numberCell(row: Obj, column: string): unknown {
  const v = cell(row, column);
  return v !== null && NUMERIC.test(v) ? Number(v) : v;
}

function kindOf(row: Obj): ContractKind {
  const nature = (cell(row, 'nature') ?? '').toLowerCase();
  return nature.includes('concession') || nature.includes('délégation') || nature.includes('delegation') ? 'concession' : 'marche';
}

function distance(row: Obj): number | null {
  const v = cell(row, 'titulaire_distance');
  return v !== null && NUMERIC.test(v) ? Number(v) : null;
}

function enrichmentOf(row: Obj): Enrichment {
  const titulaireId = cell(row, 'titulaire_id');
  const enrichment: Enrichment = {
    origin: 'decp.info',
    acheteur: {
      nom: cell(row, 'acheteur_nom'),
      departementCode: cell(row, 'acheteur_departement_code'),
      regionCode: cell(row, 'acheteur_region_code'),
      communeCode: cell(row, 'acheteur_commune_code'),
    },
  };
  if (titulaireId) {
    enrichment.titulaires = [{
      id: titulaireId,
      nom: cell(row, 'titulaire_nom'),
      categorie: cell(row, 'titulaire_categorie'),
      departementCode: cell(row, 'titulaire_departement_code'),
      regionCode: cell(row, 'titulaire_region_code'),
      communeCode: cell(row, 'titulaire_commune_code'),
      distanceKm: distance(row),
    }];
  }
  return enrichment;
}

/** The decp.info row rebuilt as a 2022-shaped item (one titulaire, one version). */
function itemOf(row: Obj, kind: ContractKind): Obj {
  const item: Obj = {
    id: cell(row, 'id'),
    objet: cell(row, 'objet'),
    codeCPV: cell(row, 'codeCPV'),
    nature: cell(row, 'nature'),
    procedure: cell(row, 'procedure'),
    techniques: cell(row, 'techniques'),
    modalitesExecution: cell(row, 'modalitesExecution'),
    typesPrix: cell(row, 'typesPrix'),
    formePrix: cell(row, 'formePrix'),
    considerationsSociales: cell(row, 'considerationsSociales'),
    considerationsEnvironnementales: cell(row, 'considerationsEnvironnementales'),
    dateNotification: cell(row, 'dateNotification'),
    datePublicationDonnees: cell(row, 'datePublicationDonnees'),
    attributionAvance: cell(row, 'attributionAvance'),
    marcheInnovant: cell(row, 'marcheInnovant'),
    sousTraitanceDeclaree: cell(row, 'sousTraitanceDeclaree'),
    ccag: cell(row, 'ccag'),
    typeGroupementOperateurs: cell(row, 'typeGroupementOperateurs'),
    idAccordCadre: cell(row, 'idAccordCadre'),
    lieuExecution: { code: cell(row, 'lieuExecution_code'), typeCode: cell(row, 'lieuExecution_typeCode') },
  };
  for (const column of NUMBER_COLUMNS) item[column] = numberCell(row, column);
  const buyerKey = kind === 'concession' ? 'autoriteConcedante' : 'acheteur';
  item[buyerKey] = { id: cell(row, 'acheteur_id') };
  const titulaireId = cell(row, 'titulaire_id');
  const supplierKey = kind === 'concession' ? 'concessionnaires' : 'titulaires';
  const itemKey = kind === 'concession' ? 'concessionnaire' : 'titulaire';
  item[supplierKey] = titulaireId
    ? [{ [itemKey]: { id: titulaireId, typeIdentifiant: cell(row, 'titulaire_typeIdentifiant'), denominationSociale: cell(row, 'titulaire_nom') } }]
    : [];
  if (kind === 'concession') {
    item.valeurGlobale = item.montant;
    item.dateSignature = item.dateNotification;
  }
  return item;
}

/**
 * A decp.info consolidated row (contract × titulaire × version) → a PARTIAL contract: one version
 * (seq = modification_id, 0 when the column is absent or empty), one titulaire, with the enrichment
 * columns kept under `enrichment` (origin "decp.info"). Rows of the same uid are combined by mergeContracts.
 */
export function normaliseDecpInfoRow(raw: RawRecord, row: Obj, ctx: NormaliseContext): NormaliseOutcome {
  const kind = kindOf(row);
  const seqCell = cell(row, 'modification_id');
  const seq = seqCell !== null && /^\d+$/.test(seqCell) ? Number(seqCell) : 0;
  const withKind: RawRecord = { ...raw, kind };
  return normaliseItem(withKind, itemOf(row, kind), ctx, {
    validateSchema: false,
    singleVersionSeq: seq,
    enrichment: enrichmentOf(row),
    buyerName: cell(row, 'acheteur_nom'),
  });
}
