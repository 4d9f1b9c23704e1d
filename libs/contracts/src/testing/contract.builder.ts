import { cpvDivisionOf, purchaseTypeOf, type Contract, type OrganisationRef } from '../contract.model';

/**
 * TEST DATA ONLY — the one builder of a canonical `Contract` for the tests of every service and lib.
 * Services wrap it with their own defaults (`aContract()`, `contract()`, ...) and pass a test's overrides on.
 *
 * Defaults describe a plain, fully known 2024 works contract (marché, one titulaire, no modification).
 * What must stay consistent is derived from the (overridden) values unless a test gives it itself:
 * - `uid` from `acheteur.id` + `id`;
 * - `cpvDivision` and `purchaseType` from `codeCPV`;
 * - `montantInitial` from `montant`, `dureeMoisInitiale` from `dureeMois`;
 * - `montantUtilisable` true when the contract has an amount: `montant`, or for a concession without one its
 *   `concession.valeurGlobale` (which plays the role of montant);
 * - `dateDerniereModification` from `dateNotification`;
 * - `versions` = the initial award only, built from montantInitial, dureeMoisInitiale, titulaires,
 *   dateNotification and datePublicationDonnees.
 * An override that is `undefined` counts as not given.
 */
export function aCanonicalContract(overrides: Partial<Contract> = {}): Contract {
  const given = definedOnly(overrides);
  const id = given.id ?? '2024-0001';
  const acheteur = given.acheteur ?? siret('21350238800014');
  const codeCPV = given.codeCPV !== undefined ? given.codeCPV : '45233140';
  const montant = given.montant !== undefined ? given.montant : 100_000;
  const montantInitial = given.montantInitial !== undefined ? given.montantInitial : montant;
  const dureeMois = given.dureeMois !== undefined ? given.dureeMois : 12;
  const dureeMoisInitiale = given.dureeMoisInitiale !== undefined ? given.dureeMoisInitiale : dureeMois;
  const dateNotification = given.dateNotification !== undefined ? given.dateNotification : '2024-03-01';
  const datePublicationDonnees = given.datePublicationDonnees !== undefined ? given.datePublicationDonnees : '2024-03-15';
  const titulaires = given.titulaires ?? [siret('44306184100047')];
  const kind = given.kind ?? 'marche';
  const amount = montant ?? (kind === 'concession' ? (given.concession?.valeurGlobale ?? null) : null);
  const contract: Contract = {
    uid: `${acheteur.id}${id}`,
    id,
    kind,
    acheteur,
    objet: 'Travaux de voirie',
    codeCPV,
    cpvDivision: cpvDivisionOf(codeCPV),
    purchaseType: purchaseTypeOf(codeCPV),
    nature: 'Marché',
    procedure: 'Procédure adaptée',
    techniques: [],
    modalitesExecution: [],
    lieuExecution: { code: '35238', typeCode: 'Code commune', nom: null },
    formePrix: 'Forfaitaire',
    typesPrix: [],
    montant,
    montantInitial,
    montantUtilisable: amount !== null,
    dureeMois,
    dureeMoisInitiale,
    dateNotification,
    datePublicationDonnees,
    dateDerniereModification: dateNotification,
    titulaires,
    offresRecues: 3,
    attributionAvance: false,
    tauxAvance: null,
    marcheInnovant: false,
    ccag: null,
    sousTraitanceDeclaree: false,
    typeGroupementOperateurs: null,
    origineUE: null,
    origineFrance: null,
    idAccordCadre: null,
    considerationsSociales: [],
    considerationsEnvironnementales: [],
    actesSousTraitance: [],
    concession: null,
    versions: [
      { seq: 0, kind: 'initial', montant: montantInitial, dureeMois: dureeMoisInitiale, titulaires, dateNotification, datePublicationDonnees },
    ],
    flags: [],
    provenance: [{ source: 'megalis', file: 'megalis.json', position: 1, format: 'decp-2022-json', schemaVersion: '2.0.3' }],
    enrichment: null,
  };
  return { ...contract, ...given };
}

function siret(id: string): OrganisationRef {
  return { id, typeIdentifiant: 'SIRET', denominationSociale: null, siretValide: true };
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
