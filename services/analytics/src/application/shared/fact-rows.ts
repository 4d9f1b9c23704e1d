import type { Contract, OrganisationProfile } from '@observatoire/contracts';
import {
  CHARTER_ADVANCE_MIN_RATE,
  coContractorShares,
  daysBetween,
  FIRST_TIME_LOOKBACK_YEARS,
  hasInvalidIdentifier,
  isCallForTenders,
  isProcedureAdaptee,
  isSmallOrMedium,
  isWithoutPublicityOrCompetition,
  localAnswer,
  normaliseLabel,
  PUBLICATION_WITHIN_DAYS,
  toFacts,
  yearsBefore,
  type Answer,
  type ConsiderationFacts,
  type ContractFacts,
  type Tristate,
} from '../../domain';

/**
 * The facts projection (docs/indicators.md §3): per current contract ONE row of already-resolved facts and, per
 * titulaire share, one row of supplier facts — each indicator's per-contract / per-share answer decided here, in
 * JavaScript, by the domain's own functions (`toFacts`, `localAnswer`, `isSmallOrMedium`…), so that the store only
 * has to add weights up (GROUP BY, CASE) to give the indicators. Answers are coded `y` / `n` / `u` (unknown);
 * `null` means "not in the indicator's population".
 *
 * A contract without any titulaire gets one share row of position -1 (no supplier, weight 1): supplier-based
 * indicators count it as one unknown, as `CountAndAmount.suppliers` does.
 */
export type AnswerCode = 'y' | 'n' | 'u';

export interface ContractFactRow {
  uid: string;
  buyer_id: string;
  /** Buyer identity of the indicators: SIREN, else the published id. */
  buyer_siren: string;
  buyer_type: string;
  buyer_epci: string | null;
  buyer_departement: string | null;
  buyer_region: string | null;
  year: number | null;
  month: number | null;
  notification_date: string | null;
  /** notification_date 3 years earlier: the first-time suppliers' look-back window starts there. */
  window_start: string | null;
  cpv_code: string | null;
  cpv_division: string | null;
  purchase_type: string | null;
  contract_kind: string;
  montant: number | null;
  amount: number | null;
  framework_agreement: number;
  titulaires: number;
  a_advance: AnswerCode;
  taux_avance: number | null;
  /** Charter advance answer of the contract (the population is decided per share: charter_member). */
  a_advance_charter: AnswerCode;
  a_social: AnswerCode;
  a_environmental: AnswerCode;
  social_clause: number;
  social_criterion: number;
  social_reserved: number;
  social_contradictory: number;
  env_clause: number;
  env_criterion: number;
  env_reserved: number;
  env_contradictory: number;
  a_subcontracting: AnswerCode;
  a_innovation: AnswerCode;
  a_procedure_adaptee: AnswerCode;
  a_no_publicity: AnswerCode;
  /** null: not a call for tenders (out of the single-bidder population). */
  a_single_bidder: AnswerCode | null;
  procedure_unknown: number;
  a_publication_delay: AnswerCode;
  delay_days: number | null;
  delay_negative: number;
  delay_missing: number;
  unusable_amount: number;
  invalid_identifier: number;
  duplicate_sources: number;
  /** Member of a group of probable duplicates (domain/probable-duplicates.ts), over the whole store. */
  probable_duplicate: number;
  flags_json: string;
  /** The ten key fields of the publication grade (KEY_FIELDS order), 1 when filled. */
  kf_montant: number;
  kf_date_notification: number;
  kf_code_cpv: number;
  kf_lieu_execution: number;
  kf_forme_prix: number;
  kf_objet: number;
  kf_nature: number;
  kf_duree_mois: number;
  kf_procedure: number;
  kf_titulaires: number;
}

export interface ShareFactRow {
  contract_uid: string;
  /** Titulaire position in the current list; -1 for the placeholder of a contract without titulaire. */
  position: number;
  supplier_id: string | null;
  /** Supplier identity of the indicators: SIREN, else the published id. */
  supplier_key: string | null;
  /** The contract's buyer identity and notification date, repeated for the first-time suppliers' look-up. */
  pair_buyer: string;
  pair_date: string | null;
  /** pair_date 3 years earlier (the look-back window's start). */
  pair_from: string | null;
  share_even: number;
  share_lead: number;
  a_sme: AnswerCode;
  a_tpe: AnswerCode;
  a_local_epci: AnswerCode;
  a_local_departement: AnswerCode;
  a_local_bretagne: AnswerCode;
  /** TPE/PME for the charter advance population (`isSmallOrMedium`). */
  charter_member: AnswerCode;
  distance_km: number | null;
  /** Another contract of the same buyer with this supplier in the 3 years before (maintained by the store). */
  has_prior: number;
}

export interface FactRows {
  contract: ContractFactRow;
  shares: ShareFactRow[];
}

const code = (a: Answer): AnswerCode => (a === 'yes' ? 'y' : a === 'no' ? 'n' : 'u');
const tri = (v: Tristate): AnswerCode => (v === 'unknown' ? 'u' : v ? 'y' : 'n');
const bit = (v: boolean): number => (v ? 1 : 0);
const consideration = (c: ConsiderationFacts): AnswerCode => (c.status === 'declared' ? 'y' : c.status === 'none' ? 'n' : 'u');

function charterAnswer(f: ContractFacts): AnswerCode {
  if (f.attributionAvance === 'unknown') return 'u';
  if (f.attributionAvance === false) return 'n';
  if (f.tauxAvance == null) return 'u';
  return f.tauxAvance >= CHARTER_ADVANCE_MIN_RATE ? 'y' : 'n';
}

/** The key-field columns of analytics_fact, in KEY_FIELDS order. */
export const KEY_FIELD_COLUMNS = [
  'kf_montant',
  'kf_date_notification',
  'kf_code_cpv',
  'kf_lieu_execution',
  'kf_forme_prix',
  'kf_objet',
  'kf_nature',
  'kf_duree_mois',
  'kf_procedure',
  'kf_titulaires',
] as const satisfies readonly (keyof ContractFactRow)[];

/** The projection rows of already-built facts (even-split facts; the lead shares are derived). */
export function factRowsOfFacts(f: ContractFacts, cpvCode: string | null, probableDuplicate = false): FactRows {
  const procedureKnown = normaliseLabel(f.procedure) !== '';
  const delay = daysBetween(f.dateNotification, f.datePublication);
  const month = f.dateNotification ? Number(f.dateNotification.slice(5, 7)) : null;
  const contract: ContractFactRow = {
    uid: f.uid,
    buyer_id: f.buyer.id,
    buyer_siren: f.buyer.siren ?? f.buyer.id,
    buyer_type: f.buyer.type,
    buyer_epci: f.buyer.territory.epciKey,
    buyer_departement: f.buyer.territory.departementCode,
    buyer_region: f.buyer.territory.regionCode,
    year: f.year,
    month,
    notification_date: f.dateNotification,
    window_start: f.dateNotification ? yearsBefore(f.dateNotification, FIRST_TIME_LOOKBACK_YEARS) : null,
    cpv_code: cpvCode,
    cpv_division: f.cpvDivision,
    purchase_type: f.purchaseType === 'unknown' ? null : f.purchaseType,
    contract_kind: f.kind,
    montant: f.montant,
    amount: f.amount,
    framework_agreement: bit(f.frameworkAgreement),
    titulaires: f.titulaires.length,
    a_advance: tri(f.attributionAvance),
    taux_avance: f.tauxAvance,
    a_advance_charter: charterAnswer(f),
    a_social: consideration(f.considerationsSociales),
    a_environmental: consideration(f.considerationsEnvironnementales),
    social_clause: bit(f.considerationsSociales.clause),
    social_criterion: bit(f.considerationsSociales.criterion),
    social_reserved: bit(f.considerationsSociales.reserved),
    social_contradictory: bit(f.considerationsSociales.status === 'contradictory'),
    env_clause: bit(f.considerationsEnvironnementales.clause),
    env_criterion: bit(f.considerationsEnvironnementales.criterion),
    env_reserved: bit(f.considerationsEnvironnementales.reserved),
    env_contradictory: bit(f.considerationsEnvironnementales.status === 'contradictory'),
    a_subcontracting: tri(f.sousTraitanceDeclaree),
    a_innovation: tri(f.marcheInnovant),
    a_procedure_adaptee: !procedureKnown ? 'u' : isProcedureAdaptee(f.procedure) ? 'y' : 'n',
    a_no_publicity: !procedureKnown ? 'u' : isWithoutPublicityOrCompetition(f.procedure) ? 'y' : 'n',
    a_single_bidder: !procedureKnown || !isCallForTenders(f.procedure) ? null : f.offresRecues == null ? 'u' : f.offresRecues === 1 ? 'y' : 'n',
    procedure_unknown: bit(!procedureKnown),
    a_publication_delay: delay == null || delay < 0 ? 'u' : delay <= PUBLICATION_WITHIN_DAYS ? 'y' : 'n',
    delay_days: delay != null && delay >= 0 ? delay : null,
    delay_negative: bit(delay != null && delay < 0),
    delay_missing: bit(delay == null),
    unusable_amount: bit(f.amount == null),
    invalid_identifier: bit(hasInvalidIdentifier(f)),
    duplicate_sources: bit(f.sources.length > 1),
    probable_duplicate: bit(probableDuplicate),
    flags_json: JSON.stringify([...f.flags].sort()),
    kf_montant: bit(f.keyFields.montant),
    kf_date_notification: bit(f.keyFields.dateNotification),
    kf_code_cpv: bit(f.keyFields.codeCPV),
    kf_lieu_execution: bit(f.keyFields.lieuExecution),
    kf_forme_prix: bit(f.keyFields.formePrix),
    kf_objet: bit(f.keyFields.objet),
    kf_nature: bit(f.keyFields.nature),
    kf_duree_mois: bit(f.keyFields.dureeMois),
    kf_procedure: bit(f.keyFields.procedure),
    kf_titulaires: bit(f.keyFields.titulaires),
  };
  const buyerKey = contract.buyer_siren;
  const even = coContractorShares(f.titulaires.length, 'even-split');
  const lead = coContractorShares(f.titulaires.length, 'lead');
  const shares: ShareFactRow[] = f.titulaires.map((t, i) => ({
    contract_uid: f.uid,
    position: i,
    supplier_id: t.id,
    supplier_key: t.key,
    pair_buyer: buyerKey,
    pair_date: f.dateNotification,
    pair_from: contract.window_start,
    share_even: even[i],
    share_lead: lead[i],
    a_sme: t.categorie === 'unknown' ? 'u' : t.categorie === 'PME' ? 'y' : 'n',
    a_tpe: tri(t.tpe),
    a_local_epci: code(localAnswer(f.buyer, t, 'epci')),
    a_local_departement: code(localAnswer(f.buyer, t, 'departement')),
    a_local_bretagne: code(localAnswer(f.buyer, t, 'bretagne')),
    charter_member: code(isSmallOrMedium(t)),
    distance_km: t.distanceKm,
    has_prior: 0,
  }));
  if (shares.length === 0) {
    shares.push({
      contract_uid: f.uid,
      position: -1,
      supplier_id: null,
      supplier_key: null,
      pair_buyer: buyerKey,
      pair_date: f.dateNotification,
      pair_from: contract.window_start,
      share_even: 1,
      share_lead: 1,
      a_sme: 'u',
      a_tpe: 'u',
      a_local_epci: 'u',
      a_local_departement: 'u',
      a_local_bretagne: 'u',
      charter_member: 'u',
      distance_km: null,
      has_prior: 0,
    });
  }
  return { contract, shares };
}

/** The CPV code column as analytics_contract stores it (projection-columns.ts). */
export function cpvCodeColumn(contract: Contract): string | null {
  const c = contract.codeCPV?.trim() || null;
  return c && /^\d{2,}/.test(c) ? c.slice(0, 20) : null;
}

/** The projection rows of one current contract with the CURRENT profiles of its buyer and titulaires. */
export function factRowsOf(contract: Contract, profiles: (id: string) => OrganisationProfile | undefined, probableDuplicate = false): FactRows {
  return factRowsOfFacts(toFacts(contract, profiles), cpvCodeColumn(contract), probableDuplicate);
}
