// French formatting (Intl, fr-FR) and French labels of the codes the API returns.
import { EPCI_BRETAGNE } from './epci-bretagne.js';

const eur0 = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const eur2 = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
const eurCompact = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', notation: 'compact', maximumFractionDigits: 1 });
const int = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const pct = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });
const dateLong = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' });
const dateShort = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: 'UTC' });
const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short' });

const DASH = '—';
const num = (v) => (v === null || v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v));

/** Amount in euros without cents (large amounts), with cents under 1 000 €. */
export function euros(v) {
  const n = num(v);
  if (n === null) return DASH;
  return Math.abs(n) < 1000 && n % 1 !== 0 ? eur2.format(n) : eur0.format(n);
}
export const eurosCompact = (v) => (num(v) === null ? DASH : eurCompact.format(num(v)));
export const integer = (v) => (num(v) === null ? DASH : int.format(num(v)));
export const decimal = (v) => (num(v) === null ? DASH : dec.format(num(v)));
export const percent = (v) => (num(v) === null ? DASH : pct.format(num(v)));

function parseDate(v) {
  if (!v) return null;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
export const date = (v) => (parseDate(v) ? dateLong.format(parseDate(v)) : DASH);
export const shortDate = (v) => (parseDate(v) ? dateShort.format(parseDate(v)) : DASH);
export const dateAndTime = (v) => (parseDate(v) ? dateTime.format(parseDate(v)) : DASH);
export const months = (v) => (num(v) === null ? DASH : `${int.format(num(v))} mois`);
export const plural = (n, one, many) => `${integer(n)} ${Number(n) > 1 ? many : one}`;

/** A contract's objet, or « Objet non publié » (never an id in its place). */
export const objetLabel = (objet) => (objet && String(objet).trim() ? objet : 'Objet non publié');

export const DEPARTEMENTS = { 22: 'Côtes-d’Armor', 29: 'Finistère', 35: 'Ille-et-Vilaine', 56: 'Morbihan' };

/** Main Breton EPCI (SIREN → short name), offered in the territory selects. */
export const EPCI = {
  243500139: 'Rennes Métropole',
  242900314: 'Brest Métropole',
  200042174: 'Lorient Agglomération',
  200068120: 'Quimper Bretagne Occidentale',
  200067932: 'Golfe du Morbihan – Vannes Agglomération',
  200069409: 'Saint-Brieuc Armor Agglomération',
  242900694: 'Quimperlé Communauté',
};
/** The name of any EPCI with a Breton commune (DGCL reference), short name first. */
export const epciName = (siren) => EPCI[siren] || EPCI_BRETAGNE[siren] || null;

/** The territory parameter (`bretagne`, `departement:29`, `epci:200042174`) in words. */
export function territoryLabel(t) {
  if (!t) return 'Tous territoires';
  if (t === 'bretagne') return 'Bretagne';
  const [level, code] = t.split(':');
  if (level === 'departement') return DEPARTEMENTS[code] ? `${DEPARTEMENTS[code]} (${code})` : `Département ${code}`;
  if (level === 'epci') return epciName(code) || `Intercommunalité (SIREN ${code})`;
  if (level === 'region') return code === '53' ? 'Bretagne' : `Région ${code}`;
  return t;
}

/** CPV divisions (2 first digits) most used by Breton buyers, with their CPV 2008 French titles (shortened). */
export const CPV_DIVISIONS = {
  '03': 'Produits agricoles et de l’élevage',
  '09': 'Produits pétroliers, combustibles, électricité',
  15: 'Produits alimentaires et boissons',
  18: 'Vêtements et accessoires',
  22: 'Imprimés et produits connexes',
  30: 'Machines de bureau et matériel informatique',
  31: 'Machines et appareils électriques',
  32: 'Équipements de radio, télévision, communication',
  33: 'Matériel médical et pharmaceutique',
  34: 'Équipements de transport',
  37: 'Instruments de musique, articles de sport, jeux',
  39: 'Meubles et aménagements',
  42: 'Machines industrielles',
  43: 'Machines pour l’exploitation minière et le BTP',
  44: 'Structures et matériaux de construction',
  45: 'Travaux de construction',
  48: 'Logiciels et systèmes d’information',
  50: 'Réparation et entretien',
  55: 'Hôtellerie, restauration',
  60: 'Transport',
  64: 'Postes et télécommunications',
  65: 'Services publics (eau, énergie)',
  66: 'Services financiers et d’assurance',
  71: 'Architecture, ingénierie et inspection',
  72: 'Services informatiques',
  73: 'Recherche et développement',
  77: 'Services agricoles, sylvicoles, horticoles',
  79: 'Services aux entreprises (juridique, marketing, conseil)',
  80: 'Enseignement et formation',
  85: 'Santé et action sociale',
  90: 'Assainissement, nettoyage, environnement',
  92: 'Loisirs, culture et sport',
  98: 'Autres services collectifs et personnels',
};
export const cpvDivisionLabel = (d) => (d ? (CPV_DIVISIONS[d] ? `${d} – ${CPV_DIVISIONS[d]}` : `Division ${d}`) : 'CPV inconnu');
export function cpvLabel(cpv) {
  if (!cpv) return 'Tous secteurs';
  const div = cpv.slice(0, 2);
  if (cpv.length === 2) return cpvDivisionLabel(div);
  return `CPV ${cpv}…${CPV_DIVISIONS[div] ? ` (${CPV_DIVISIONS[div]})` : ''}`;
}

export const PURCHASE_TYPES = { travaux: 'Travaux', fournitures: 'Fournitures', services: 'Services' };
export const BUYER_TYPES = {
  commune: 'Commune',
  epci: 'Intercommunalité (EPCI)',
  departement: 'Département',
  region: 'Région',
  hopital: 'Hôpital',
  epic: 'Établissement public (EPIC)',
  'syndicat-mixte': 'Syndicat mixte',
  etat: 'État',
  autre: 'Autre',
  unknown: 'Inconnu',
};
export const CATEGORIES = { PME: 'PME', ETI: 'ETI', GE: 'Grande entreprise', unknown: 'Taille inconnue' };
export const ROLES = { titulaire: 'Titulaire', mandataire: 'Mandataire (groupement)', cotraitant: 'Co-traitant' };
export const UNKNOWN_REASONS = {
  FOREIGN: 'identifiant étranger',
  INVALID_ID: 'identifiant invalide',
  NOT_DIFFUSIBLE: 'non diffusible (SIRENE)',
  NOT_FOUND: 'absent de SIRENE',
  OFFLINE: 'non résolu (SIRENE hors ligne)',
  API_ERROR: 'non résolu (erreur SIRENE)',
};
export const STATUSES = { pending: 'en cours de résolution', resolved: 'identifié (SIRENE)', unknown: 'non identifié' };

/** Data-quality flags (libs/contracts quality.ts), explained in French. */
export const FLAGS = {
  AMOUNT_UNUSABLE: 'Montant inutilisable (absent, « NC », inférieur à 1 € ou supérieur à 3 Md€) : exclu des sommes',
  AMOUNT_REPAIRED: 'Montant corrigé (écrit comme du texte ou avec une virgule décimale)',
  AMOUNT_MISSING: 'Montant absent',
  DURATION_OUT_OF_RANGE: 'Durée hors de la plage plausible (1 à 180 mois)',
  DURATION_REPAIRED: 'Durée corrigée (écrite comme du texte)',
  DATE_REPAIRED: 'Date corrigée (format non ISO ou fuseau horaire)',
  DATE_INVALID: 'Date invalide (hors 2010–2039, future ou illisible) : effacée',
  PUBLICATION_BEFORE_NOTIFICATION: 'Date de publication antérieure à la notification',
  SUPPLIER_ID_INVALID: 'Identifiant du titulaire invalide (pas un SIRET valide)',
  SUPPLIER_ID_NOT_SIRET: 'Titulaire identifié autrement que par un SIRET (SIREN, TVA, identifiant étranger)',
  SUPPLIER_ID_REPAIRED: 'Identifiant du titulaire corrigé (espaces retirés…)',
  SUPPLIER_DUPLICATED: 'Même titulaire listé deux fois',
  SUPPLIER_IS_BUYER: 'Le titulaire est l’acheteur lui-même',
  BUYER_ID_INVALID: 'Identifiant de l’acheteur invalide',
  CPV_REPAIRED: 'Code CPV corrigé (complété à 8 chiffres ou clé de contrôle retirée)',
  CPV_INVALID: 'Code CPV invalide',
  LEGACY_SPELLING_REPAIRED: 'Orthographe ancienne normalisée (procédure, majuscules, apostrophes)',
  ENUM_UNKNOWN: 'Valeur hors nomenclature, conservée telle quelle',
  NC_VALUE: 'Valeur « NC » (non communiquée) remplacée par une absence',
  CONSIDERATION_CONTRADICTORY: 'Considérations contradictoires (« Pas de considération » avec une autre valeur)',
  SCHEMA_DEVIATION: 'Écart au schéma officiel (champs en trop, enveloppes)',
  VERSION_CONFLICT: 'Deux versions de même numéro au contenu différent',
  ID_REUSED: 'Identifiant réutilisé pour un contrat différent',
  SEQUENCE_ID_MODIFICATION: 'Modification republiée comme nouveau contrat (suffixe 01, 02…)',
};
export const QUARANTINE_REASONS = {
  NOT_AN_OBJECT: 'L’enregistrement n’est pas un objet',
  MISSING_ID: 'Identifiant du marché absent',
  MISSING_BUYER: 'Acheteur absent',
  BUYER_ID_UNUSABLE: 'Identifiant de l’acheteur inutilisable',
  MISSING_OBJET_AND_CPV: 'Ni objet ni code CPV : on ne sait pas ce qui a été acheté',
  UNKNOWN_KIND: 'Ni marché ni concession',
  UNPARSEABLE_RECORD: 'Enregistrement illisible (JSON, XML ou CSV mal formé)',
  EXACT_DUPLICATE: 'Doublon exact',
};
export const TRIGGERS = { schedule: 'planifié', upload: 'dépôt de fichier', cli: 'ligne de commande', test: 'test', manual: 'manuel' };

/** Short French explanations of charter indicators (the API gives the label). */
export const INDICATOR_HELP = {
  'sme-share': 'Part des marchés attribués à des PME (taille SIRENE), parmi les titulaires de taille connue.',
  'tpe-share': 'Part attribuée à des entreprises de moins de 10 salariés.',
  'local-share-epci': 'Part attribuée à des entreprises établies dans l’intercommunalité de l’acheteur.',
  'local-share-departement': 'Part attribuée à des entreprises du même département que l’acheteur.',
  'local-share-bretagne': 'Part attribuée à des entreprises établies en Bretagne.',
  advances: 'Part des marchés avec une avance versée au titulaire.',
  'advances-charter': 'Marchés de plus de 25 000 € attribués à des TPE/PME avec une avance d’au moins 30 %.',
  'social-considerations': 'Part des marchés comportant une clause ou un critère social, ou réservés.',
  'environmental-considerations': 'Part des marchés comportant une clause ou un critère environnemental.',
  'subcontracting-declared': 'Part des marchés déclarant de la sous-traitance.',
  innovation: 'Part des marchés déclarés innovants.',
  'procedure-adaptee': 'Part des marchés passés en procédure adaptée (MAPA).',
  'no-publicity-no-competition': 'Part des marchés passés sans publicité ni mise en concurrence.',
  'single-bidder': 'Part des appels d’offres n’ayant reçu qu’une seule offre (plus bas est mieux).',
  concentration: 'Part des marchés dans des segments acheteur × CPV concentrés (indice HHI > 2 500).',
  'first-time-suppliers': 'Part attribuée à des entreprises sans marché avec cet acheteur dans les 3 ans précédents.',
  'publication-delay': 'Part des marchés publiés dans les 61 jours suivant leur notification.',
  'publication-grade': 'Part des couples acheteur × année notés A (publication complète, à jour, dès le premier euro).',
  'data-quality': 'Part des marchés présentant un problème de qualité (montant, identifiant, doublon).',
};

export const GRADE_HELP = {
  A: 'Publication complète et rapide (délai médian ≤ 60 jours)',
  B: 'Les dix champs clés sont renseignés',
  C: 'Publie aussi des marchés sous le seuil obligatoire',
  D: 'Au moins un marché publié',
  E: 'Aucun marché publié',
};
