import type { ActeSousTraitance, Contract, ContractKind, ContractVersion, Enrichment, OrganisationRef, QuarantineReason } from '@observatoire/contracts';
import { cpvDivisionOf, purchaseTypeOf } from '@observatoire/contracts';
import type { RawRecord } from '../raw-record';
import { kindOfRecord } from '../read/record-kind';
import { checkAgainstSchema, MAX_LISTED_PATHS, schemaVersionOf } from '../validate/schema-validator';
import { amountUnusableReason } from './amounts';
import { todayIso } from './dates';
import { FlagSink, quarantineReason } from './flag-sink';
import { foldVersions } from './fold-versions';
import {
  checkConsiderations, generationOf, readCpv, readEnum, readEnumList, readLieu, readNature, readPrices, readRecensement,
} from './item-fields';
import type { NormaliseContext, NormaliseOutcome } from './normalise-outcome';
import { cleanIdentifier, readSupplier } from './organisations';
import { readNumber, readText } from './scalars';
import { isObject, pick, unwrapList, type Obj } from './shapes';
import { isValidSiret } from './siret';
import { initialVersion, modificationVersions, readDate, type VersionContext } from './versions';

/** Options the decp.info CSV path passes to the shared item normaliser. */
export interface ItemOptions {
  readonly validateSchema: boolean;
  /** decp.info rows carry one version: its seq (modification_id), replacing the built versions. */
  readonly singleVersionSeq?: number;
  readonly enrichment?: Enrichment | null;
  readonly buyerName?: string | null;
}

interface Identity {
  readonly kind: ContractKind;
  readonly id: string;
  readonly buyer: OrganisationRef;
}

export function quarantined(raw: RawRecord, recordId: string | null, acheteurId: string | null, reasons: QuarantineReason[]): NormaliseOutcome {
  return { status: 'quarantined', recordId, acheteurId, reasons, raw: raw.rawText };
}

function readIdentity(raw: RawRecord, item: Obj, flags: FlagSink): Identity | { reasons: QuarantineReason[]; id: string | null; buyerId: string | null } {
  const reasons: QuarantineReason[] = [];
  const kind = raw.kind ?? kindOfRecord(item);
  if (!kind) reasons.push(quarantineReason('UNKNOWN_KIND', '_type', 'neither a marché nor a contrat de concession (no _type, acheteur or autoriteConcedante)'));
  const id = typeof item.id === 'string' || typeof item.id === 'number' ? String(item.id).trim() || null : null;
  if (!id) reasons.push(quarantineReason('MISSING_ID', 'id', 'id: the contract has no identifier'));
  const buyerKey = kind === 'concession' ? 'autoriteConcedante' : 'acheteur';
  const picked = pick(item, buyerKey, 'id');
  if (picked.flat && picked.value !== undefined) flags.add('SCHEMA_DEVIATION', `${buyerKey}.id`, `${buyerKey}.id: flat key "${buyerKey}.id" instead of {"${buyerKey}": {"id": …}}; read anyway`);
  const buyerId = cleanIdentifier(picked.value, `${buyerKey}.id`, null);
  if (picked.value === undefined || picked.value === null || (typeof picked.value === 'string' && picked.value.trim() === '')) {
    reasons.push(quarantineReason('MISSING_BUYER', `${buyerKey}.id`, `${buyerKey}.id: the contract has no buyer identifier`));
  } else if (!buyerId || !/^[A-Za-z0-9]{5,}$/.test(buyerId) || /^n\.?c\.?$/i.test(buyerId)) {
    reasons.push(quarantineReason('BUYER_ID_UNUSABLE', `${buyerKey}.id`, `${buyerKey}.id: ${JSON.stringify(picked.value)} is not an identifier`));
  }
  if (reasons.length || !kind || !id || !buyerId) return { reasons, id, buyerId };
  const siretValide = isValidSiret(buyerId);
  if (!siretValide) flags.add('BUYER_ID_INVALID', `${buyerKey}.id`, `${buyerKey}.id: "${buyerId}" is not a valid SIRET`, buyerId);
  const nom = isObject(item[buyerKey]) ? readText((item[buyerKey] as Obj).nom, `${buyerKey}.nom`, flags) : null;
  return { kind, id, buyer: { id: buyerId, typeIdentifiant: 'SIRET', denominationSociale: nom, siretValide } };
}

function schemaFlag(item: Obj, raw: RawRecord, kind: ContractKind, flags: FlagSink): void {
  const generation = generationOf(raw.format);
  const check = checkAgainstSchema(item, generation, kind);
  if (check.valid) return;
  const listed = check.violations.slice(0, MAX_LISTED_PATHS).join('; ');
  const more = check.violations.length > MAX_LISTED_PATHS ? ` (+${check.violations.length - MAX_LISTED_PATHS} more)` : '';
  const firstField = check.violations[0].split(':')[0].replace(/^\//, '').replace(/\//g, '.') || null;
  flags.add('SCHEMA_DEVIATION', firstField, `does not match the official ${schemaVersionOf(generation)} schema (${kind}): ${listed}${more}`);
}

function readActes(item: Obj, vctx: VersionContext): ActeSousTraitance[] {
  const items = unwrapList(item.actesSousTraitance, 'acteSousTraitance', 'actesSousTraitance', vctx.flags, vctx.wrapped);
  return items.filter(isObject).map((acte, i) => {
    const field = `actesSousTraitance[${i}]`;
    return {
      id: acte.id === undefined || acte.id === null ? null : String(acte.id),
      sousTraitant: acte.sousTraitant === undefined ? null : readSupplier(acte.sousTraitant, `${field}.sousTraitant`, vctx.flags),
      dureeMois: readNumber(acte.dureeMois, `${field}.dureeMois`, vctx.flags),
      dateNotification: readDate(acte.dateNotification, `${field}.dateNotification`, vctx),
      datePublicationDonnees: readDate(acte.datePublicationDonnees, `${field}.datePublicationDonnees`, vctx),
      montant: readNumber(acte.montant, `${field}.montant`, vctx.flags),
      variationPrix: readText(acte.variationPrix, `${field}.variationPrix`, vctx.flags),
    };
  });
}

function readConcession(item: Obj, vctx: VersionContext, valeurGlobale: number | null): Contract['concession'] {
  return {
    valeurGlobale,
    montantSubventionPublique: readNumber(item.montantSubventionPublique, 'montantSubventionPublique', vctx.flags),
    dateDebutExecution: readDate(item.dateDebutExecution, 'dateDebutExecution', vctx),
    donneesExecution: unwrapList(item.donneesExecution, 'donneesAnnuelles', 'donneesExecution', vctx.flags, vctx.wrapped).filter(isObject),
  };
}

function buildVersions(item: Obj, vctx: VersionContext, opts: ItemOptions): ContractVersion[] {
  const initial = initialVersion(item, vctx);
  if (opts.singleVersionSeq !== undefined && opts.singleVersionSeq > 0) {
    return [{ ...initial, seq: opts.singleVersionSeq, kind: 'modification' }];
  }
  return opts.singleVersionSeq !== undefined ? [initial] : [initial, ...modificationVersions(item, vctx)];
}

/** The shared normaliser for JSON-shaped items (2019 / 2022, from JSON, XML or a decp.info row). */
export function normaliseItem(raw: RawRecord, item: Obj, ctx: NormaliseContext, opts: ItemOptions): NormaliseOutcome {
  const flags = new FlagSink();
  const identity = readIdentity(raw, item, flags);
  if ('reasons' in identity) return quarantined(raw, identity.id, identity.buyerId, identity.reasons);
  const { kind, id, buyer } = identity;
  const objet = readText(item.objet, 'objet', flags);
  const codeCPV = readCpv(item.codeCPV, flags);
  if (!objet && !codeCPV) {
    return quarantined(raw, id, buyer.id, [quarantineReason('MISSING_OBJET_AND_CPV', 'objet', 'objet and codeCPV: nothing says what was bought')]);
  }
  if (opts.validateSchema) schemaFlag(item, raw, kind, flags);
  const generation = generationOf(raw.format);
  const vctx: VersionContext = { kind, buyerId: buyer.id, wrapped: generation === '2022', today: ctx.today ?? todayIso(), flags };
  const versions = buildVersions(item, vctx, opts);
  const state = foldVersions(versions);
  if (state.montant === null) flags.add('AMOUNT_MISSING', kind === 'concession' ? 'valeurGlobale' : 'montant', `${kind === 'concession' ? 'valeurGlobale' : 'montant'}: no amount in any version`);
  const nature = readNature(item, kind, flags);
  const prices = readPrices(item, generation, flags);
  const considerationsSociales = readEnumList('considerationSociale', item.considerationsSociales, 'considerationSociale', 'considerationsSociales', flags);
  const considerationsEnvironnementales = readEnumList('considerationEnvironnementale', item.considerationsEnvironnementales, 'considerationEnvironnementale', 'considerationsEnvironnementales', flags);
  checkConsiderations(considerationsSociales, 'considerationsSociales', flags);
  checkConsiderations(considerationsEnvironnementales, 'considerationsEnvironnementales', flags);
  const buyerWithName = opts.buyerName ? { ...buyer, denominationSociale: opts.buyerName } : buyer;
  const contract: Contract = {
    uid: `${buyer.id}${id}`,
    id,
    kind,
    acheteur: buyerWithName,
    objet,
    codeCPV,
    cpvDivision: cpvDivisionOf(codeCPV),
    purchaseType: purchaseTypeOf(codeCPV),
    nature: nature.nature,
    procedure: readEnum(kind === 'concession' ? 'procedureConcession' : 'procedureMarche', item.procedure, 'procedure', flags),
    techniques: nature.techniques,
    modalitesExecution: nature.modalitesExecution,
    lieuExecution: readLieu(item.lieuExecution, flags),
    formePrix: prices.formePrix,
    typesPrix: prices.typesPrix,
    montant: state.montant,
    montantInitial: state.montantInitial,
    montantUtilisable: state.montant !== null && amountUnusableReason(state.montant) === null,
    dureeMois: state.dureeMois,
    dureeMoisInitiale: state.dureeMoisInitiale,
    dateNotification: state.dateNotification,
    datePublicationDonnees: state.datePublicationDonnees,
    dateDerniereModification: state.dateDerniereModification,
    titulaires: state.titulaires,
    ...readRecensement(item, flags),
    considerationsSociales,
    considerationsEnvironnementales,
    actesSousTraitance: readActes(item, vctx),
    concession: kind === 'concession' ? readConcession(item, vctx, state.valeurGlobale) : null,
    versions,
    flags: [],
    provenance: [{ source: ctx.source, file: raw.file, position: raw.position, format: raw.format ?? 'decp-2022-json', schemaVersion: raw.schemaVersion }],
    enrichment: opts.enrichment ?? null,
  };
  contract.flags = flags.list();
  return { status: contract.flags.length ? 'flagged' : 'accepted', contract };
}

