import type { ContractKind, ContractVersion, OrganisationRef } from '@observatoire/contracts';
import { amountUnusableReason } from './amounts';
import { parseDecpDate } from './dates';
import type { FlagSink } from './flag-sink';
import { readSuppliers } from './organisations';
import { readNumber, readText } from './scalars';
import { isObject, unwrapList, type Obj } from './shapes';

export interface VersionContext {
  readonly kind: ContractKind;
  readonly buyerId: string;
  readonly wrapped: boolean; // 2022 shape
  readonly today: string;
  readonly flags: FlagSink;
}

export function readDate(value: unknown, field: string, ctx: Pick<VersionContext, 'today' | 'flags'>): string | null {
  const outcome = parseDecpDate(value, ctx.today);
  if (outcome.status === 'invalid') {
    ctx.flags.add('DATE_INVALID', field, `${field}: ${JSON.stringify(value)} — ${outcome.reason}; set to null`, value);
  } else if (outcome.status === 'repaired') {
    ctx.flags.add('DATE_REPAIRED', field, `${field}: "${String(value)}" read as ${outcome.date} (${outcome.repair})`, value);
  }
  return outcome.date;
}

export function readAmount(value: unknown, field: string, flags: FlagSink): number | null {
  const amount = readNumber(value, field, flags, { repairedCode: 'AMOUNT_REPAIRED' });
  if (amount !== null) {
    const reason = amountUnusableReason(amount);
    if (reason) flags.add('AMOUNT_UNUSABLE', field, `${field}: ${amount} is unusable (${reason}); kept but excluded from indicators`, value);
  }
  return amount;
}

export function readDuration(value: unknown, field: string, ctx: VersionContext): number | null {
  const months = readNumber(value, field, ctx.flags, { repairedCode: 'DURATION_REPAIRED' });
  // Concessions legitimately run 20–30 years: the 1–180 rule applies to marchés.
  if (months !== null && ctx.kind === 'marche' && (months < 1 || months > 180)) {
    ctx.flags.add('DURATION_OUT_OF_RANGE', field, `${field}: ${months} months is outside 1–180`, value);
  }
  return months;
}

function checkPublication(notif: string | null, pub: string | null, field: string, flags: FlagSink): void {
  if (notif && pub && pub < notif) {
    flags.add('PUBLICATION_BEFORE_NOTIFICATION', field, `${field}: published ${pub}, before notification ${notif}`);
  }
}

export function readTitulaires(value: unknown, field: string, ctx: VersionContext): OrganisationRef[] {
  const itemKey = ctx.kind === 'concession' ? 'concessionnaire' : 'titulaire';
  return readSuppliers(unwrapList(value, itemKey, field, ctx.flags, ctx.wrapped), field, ctx.buyerId, ctx.flags);
}

/** seq 0: the initial award as published. */
export function initialVersion(item: Obj, ctx: VersionContext): ContractVersion {
  const concession = ctx.kind === 'concession';
  const valeurGlobale = concession ? readAmount(item.valeurGlobale, 'valeurGlobale', ctx.flags) : null;
  const montant = concession ? valeurGlobale : readAmount(item.montant, 'montant', ctx.flags);
  const notifField = concession ? 'dateSignature' : 'dateNotification';
  const dateNotification = readDate(item[notifField], notifField, ctx);
  const datePublicationDonnees = readDate(item.datePublicationDonnees, 'datePublicationDonnees', ctx);
  checkPublication(dateNotification, datePublicationDonnees, 'datePublicationDonnees', ctx.flags);
  const suppliersField = concession ? 'concessionnaires' : 'titulaires';
  const version: ContractVersion = {
    seq: 0,
    kind: 'initial',
    montant,
    dureeMois: readDuration(item.dureeMois, 'dureeMois', ctx),
    titulaires: readTitulaires(item[suppliersField], suppliersField, ctx),
    dateNotification,
    datePublicationDonnees,
  };
  if (concession) version.valeurGlobale = valeurGlobale;
  return version;
}

interface DraftModification {
  readonly order: number | null;
  readonly position: number;
  readonly version: Omit<ContractVersion, 'seq'>;
}

function readModification(raw: unknown, index: number, ctx: VersionContext): DraftModification | null {
  const field = `modifications[${index}]`;
  if (!isObject(raw)) {
    ctx.flags.add('SCHEMA_DEVIATION', field, `${field}: not an object; ignored`, raw);
    return null;
  }
  const concession = ctx.kind === 'concession';
  const notifKey = concession ? 'dateSignatureModification' : 'dateNotificationModification';
  const dateNotification = readDate(raw[notifKey] ?? raw.dateNotification, `${field}.${notifKey}`, ctx);
  const datePublicationDonnees = readDate(raw.datePublicationDonneesModification ?? raw.datePublicationDonnees, `${field}.datePublicationDonneesModification`, ctx);
  checkPublication(dateNotification, datePublicationDonnees, `${field}.datePublicationDonneesModification`, ctx.flags);
  const valeurGlobale = concession ? readAmount(raw.valeurGlobale, `${field}.valeurGlobale`, ctx.flags) : null;
  const titulairesRaw = concession ? raw.concessionnaires : raw.titulaires;
  const titulaires = titulairesRaw === undefined || titulairesRaw === null ? null : readTitulaires(titulairesRaw, `${field}.titulaires`, ctx);
  const id = readNumber(raw.id, `${field}.id`, ctx.flags);
  const version: Omit<ContractVersion, 'seq'> = {
    kind: 'modification',
    montant: concession ? valeurGlobale : readAmount(raw.montant, `${field}.montant`, ctx.flags),
    dureeMois: readDuration(raw.dureeMois, `${field}.dureeMois`, ctx),
    titulaires: titulaires && titulaires.length > 0 ? titulaires : null,
    dateNotification,
    datePublicationDonnees,
    objetModification: readText(raw.objetModification, `${field}.objetModification`, ctx.flags),
  };
  if (concession) version.valeurGlobale = valeurGlobale;
  return { order: id, position: index, version };
}

/**
 * Modifications → versions seq 1..n, ordered by their 2022 integer `id`. 2019 modifications have no id:
 * they are ordered by publication date when every one has it, else by position in the file. Not by
 * notification date: the official 1.5.0 example has a modification notified before the previous one.
 */
export function modificationVersions(item: Obj, ctx: VersionContext): ContractVersion[] {
  const items = unwrapList(item.modifications, 'modification', 'modifications', ctx.flags, ctx.wrapped).flatMap((raw, i) => splitCollapsed(raw, i, ctx.flags));
  const drafts = items.map((raw, i) => readModification(raw, i, ctx)).filter((d): d is DraftModification => d !== null);
  const byId = drafts.every((d) => d.order !== null);
  const byPublication = !byId && drafts.every((d) => d.version.datePublicationDonnees !== null);
  drafts.sort((a, b) => {
    if (byId) return (a.order as number) - (b.order as number) || a.position - b.position;
    if (byPublication) {
      const pa = a.version.datePublicationDonnees as string;
      const pb = b.version.datePublicationDonnees as string;
      if (pa !== pb) return pa < pb ? -1 : 1;
    }
    return a.position - b.position;
  });
  return drafts.map((d, i) => ({ seq: i + 1, ...d.version }));
}

/**
 * Some 2019 XML exports (AIFE, PES) write several modifications in one `<modification>` element, one
 * run of fields after the other (`<dateNotificationModification>a</…><montant>1</…><dateNotificationModification>b</…>…`),
 * which reads as an object whose fields are lists. Such an element is split into its modifications, in
 * the order written (the n-th value of each field belongs to the n-th modification), flagged SCHEMA_DEVIATION.
 */
function splitCollapsed(raw: unknown, index: number, flags: FlagSink): unknown[] {
  if (!isObject(raw)) return [raw];
  const repeated = Object.entries(raw).filter(([k, v]) => Array.isArray(v) && k !== 'titulaires' && k !== 'concessionnaires');
  if (repeated.length === 0) return [raw];
  const count = Math.max(...repeated.map(([, v]) => (v as unknown[]).length));
  const field = `modifications[${index}]`;
  flags.add('SCHEMA_DEVIATION', field, `${field}: ${count} modifications written in one element (repeated ${repeated.map(([k]) => k).join(', ')}); read as ${count} modifications`);
  return Array.from({ length: count }, (_, n) => {
    const one: Obj = {};
    for (const [k, v] of Object.entries(raw)) {
      if (Array.isArray(v) && k !== 'titulaires' && k !== 'concessionnaires') {
        if (n < v.length) one[k] = v[n];
      } else if (n === 0) one[k] = v;
    }
    return one;
  });
}
