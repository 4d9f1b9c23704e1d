import { Prng } from './prng';
import { drawObjet } from './objets/real-objets';

/** Breton buyers by SIREN (DOMAIN.md §4); establishments get a synthetic NIC. */
export const BRETON_BUYER_SIRENS = [
  '233500016', '222200016', '222900011', '223500018', '225600014', '243500139', '242900314', '200042174',
  '200068120', '200067932', '200069409', '253514491',
];

/** CPV mix (division-level weights, modelled on the national table: services and works dominate). */
const CPV_CODES: ReadonlyArray<readonly [string, number]> = [
  ['45210000', 10], ['45233140', 6], ['45261210', 4], ['45310000', 5], ['45421000', 4], ['45453000', 4],
  ['71000000', 6], ['71240000', 3], ['79000000', 3], ['90910000', 4], ['77310000', 3], ['50000000', 4],
  ['72000000', 3], ['80500000', 2], ['85000000', 2], ['60100000', 3], ['55520000', 3], ['66510000', 2],
  ['30192000', 3], ['09134100', 3], ['34100000', 3], ['33140000', 3], ['39000000', 2], ['15000000', 3], ['44000000', 2], ['48000000', 2],
];
const PROCEDURES: ReadonlyArray<readonly [string, number]> = [
  ['Procédure adaptée', 70], ["Appel d'offres ouvert", 18], ['Procédure avec négociation', 5],
  ['Marché passé sans publicité ni mise en concurrence préalable', 5], ["Appel d'offres restreint", 1], ['Dialogue compétitif', 1],
];
const CCAG: Readonly<Record<string, string>> = { '45': 'Travaux', '71': "Maitrise d'œuvre" };

export type MessyKind = 'amount-1e17' | 'nc-duration' | 'bad-date' | 'cpv-check-digit' | 'legacy-procedure' | 'bad-siret' | 'flat-buyer-key' | 'string-amount';
const MESSY_KINDS: readonly MessyKind[] = ['amount-1e17', 'nc-duration', 'bad-date', 'cpv-check-digit', 'legacy-procedure', 'bad-siret', 'flat-buyer-key', 'string-amount'];

/** Luhn check digit completion for a SIREN / SIRET prefix. */
function withLuhnDigit(prefix: string): string {
  for (let d = 0; d <= 9; d++) {
    const candidate = `${prefix}${d}`;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let x = candidate.charCodeAt(candidate.length - 1 - i) - 48;
      if (i % 2 === 1) {
        x *= 2;
        if (x > 9) x -= 9;
      }
      sum += x;
    }
    if (sum % 10 === 0) return candidate;
  }
  return `${prefix}0`;
}

function syntheticSiren(rng: Prng): string {
  return withLuhnDigit(String(rng.int(30000000, 99999999)));
}

function siretOf(siren: string, rng: Prng): string {
  return `${siren}${String(rng.int(10, 999)).padStart(5, '0')}`;
}

function isoDay(rng: Prng, fromYear: number, toYear: number): string {
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear, 11, 31);
  return new Date(start + rng.next() * (end - start)).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(date) + days * 86400000).toISOString().slice(0, 10);
}

export interface SyntheticTitulaire {
  readonly id: string;
  readonly nom: string;
}

export interface SyntheticModification {
  readonly id: number;
  readonly montant: number | null;
  readonly dureeMois: number | null;
  readonly titulaires: SyntheticTitulaire[] | null;
  readonly dateNotificationModification: string;
  readonly datePublicationDonneesModification: string;
}

/** One synthetic contract in a neutral shape, written out as 2022 JSON or decp.info rows. */
export interface SyntheticContract {
  id: string;
  acheteurId: string;
  acheteurNom: string;
  objet: string;
  codeCPV: string;
  procedure: string;
  montant: number | string;
  dureeMois: number | string;
  dateNotification: string;
  datePublicationDonnees: string;
  offresRecues: number;
  ccag: string;
  titulaires: SyntheticTitulaire[];
  modifications: SyntheticModification[];
  messy: MessyKind | null;
  /** True when this record re-publishes an earlier one (another source). */
  duplicate: boolean;
}

/** Pools of buyers and suppliers shared by a whole generation run. */
export class SyntheticWorld {
  readonly buyers: Array<{ id: string; nom: string }> = [];
  readonly suppliers: SyntheticTitulaire[] = [];

  constructor(rng: Prng, buyerCount = 400, supplierCount = 5000) {
    for (const siren of BRETON_BUYER_SIRENS) this.buyers.push({ id: siretOf(siren, rng), nom: `[SYNTHÉTIQUE] Acheteur breton ${siren}` });
    while (this.buyers.length < buyerCount) {
      const siren = syntheticSiren(rng);
      this.buyers.push({ id: siretOf(siren, rng), nom: `[SYNTHÉTIQUE] Acheteur ${siren}` });
    }
    for (let i = 0; i < supplierCount; i++) {
      const siren = syntheticSiren(rng);
      this.suppliers.push({ id: withLuhnDigit(`${siren}${String(rng.int(1, 999)).padStart(4, '0')}`).slice(0, 14), nom: `[SYNTHÉTIQUE] Entreprise ${i}` });
    }
  }
}

function amount(rng: Prng): number {
  // Log-normal around ~60 k€ (median of the real extract's works contracts), spread over 4 decades.
  return Math.round(Math.exp(11 + 1.3 * rng.normal()) * 100) / 100;
}

function pickTitulaires(rng: Prng, world: SyntheticWorld): SyntheticTitulaire[] {
  const n = rng.weighted([[1, 85], [2, 10], [3, 5]] as const);
  const out: SyntheticTitulaire[] = [];
  while (out.length < n) {
    const t = rng.pick(world.suppliers);
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

function modifications(rng: Prng, world: SyntheticWorld, base: { montant: number; dureeMois: number; date: string }): SyntheticModification[] {
  if (!rng.chance(0.15)) return [];
  const count = rng.weighted([[1, 70], [2, 20], [3, 10]] as const);
  const mods: SyntheticModification[] = [];
  let montant = base.montant;
  let date = base.date;
  for (let i = 1; i <= count; i++) {
    date = addDays(date, rng.int(30, 300));
    const changesAmount = rng.chance(0.7);
    if (changesAmount) montant = Math.round(montant * (1 + rng.next() * 0.15) * 100) / 100; // new TOTAL
    mods.push({
      id: i,
      montant: changesAmount ? montant : null,
      dureeMois: rng.chance(0.3) ? base.dureeMois + rng.int(1, 12) : null,
      titulaires: rng.chance(0.1) ? pickTitulaires(rng, world) : null,
      dateNotificationModification: date,
      datePublicationDonneesModification: addDays(date, rng.int(1, 60)),
    });
  }
  return mods;
}

function applyMess(c: SyntheticContract, kind: MessyKind): void {
  switch (kind) {
    case 'amount-1e17': c.montant = 1e17; break;
    case 'nc-duration': c.dureeMois = 'NC'; break;
    case 'bad-date': c.dateNotification = `0${c.dateNotification.slice(1)}`; break;
    case 'cpv-check-digit': c.codeCPV = `${c.codeCPV}-2`; break;
    case 'legacy-procedure': c.procedure = 'Procédure concurrentielle avec négociation'; break;
    case 'bad-siret': c.titulaires = [{ id: '00001', nom: c.titulaires[0].nom }, ...c.titulaires.slice(1)]; break;
    case 'flat-buyer-key': break; // handled by the JSON writer
    case 'string-amount': c.montant = String(c.montant); break;
  }
}

/** Draws contract number `index` (deterministic for a given seed and index order). */
export function drawContract(rng: Prng, world: SyntheticWorld, index: number): SyntheticContract {
  const buyer = rng.next() < 0.3 ? world.buyers[rng.int(0, BRETON_BUYER_SIRENS.length - 1)] : rng.pick(world.buyers);
  const codeCPV = rng.weighted(CPV_CODES);
  const dateNotification = isoDay(rng, 2019, 2025);
  const dureeMois = rng.weighted([[3, 10], [6, 10], [12, 30], [24, 20], [36, 15], [48, 15]] as const);
  const montant = amount(rng);
  const c: SyntheticContract = {
    id: `SYN${String(index).padStart(9, '0')}`,
    acheteurId: buyer.id,
    acheteurNom: buyer.nom,
    objet: `[SYNTHÉTIQUE] ${drawObjet(rng, codeCPV)}`,
    codeCPV,
    procedure: rng.weighted(PROCEDURES),
    montant,
    dureeMois,
    dateNotification,
    datePublicationDonnees: addDays(dateNotification, rng.int(1, 90)),
    offresRecues: rng.weighted([[1, 20], [2, 25], [3, 25], [4, 15], [6, 10], [10, 5]] as const),
    ccag: CCAG[codeCPV.slice(0, 2)] ?? 'Fournitures courantes et services',
    titulaires: pickTitulaires(rng, world),
    modifications: modifications(rng, world, { montant, dureeMois, date: dateNotification }),
    messy: null,
    duplicate: false,
  };
  if (rng.chance(0.02)) {
    c.messy = rng.pick(MESSY_KINDS);
    applyMess(c, c.messy);
  }
  return c;
}
