import { ContractSchema } from '../contract.model';
import { aCanonicalContract } from './contract.builder';

describe('aCanonicalContract (shared test builder)', () => {
  it('the default contract passes ContractSchema', () => {
    expect(ContractSchema.parse(aCanonicalContract())).toEqual(aCanonicalContract());
  });

  it('a contract with many overrides still passes ContractSchema', () => {
    const c = aCanonicalContract({ montant: null, codeCPV: null, dateNotification: null, titulaires: [], dureeMois: null });
    expect(() => ContractSchema.parse(c)).not.toThrow();
  });

  it('a contract overriding montant has a coherent initial version and usable flag', () => {
    const c = aCanonicalContract({ montant: 42_000 });
    expect(c).toMatchObject({ montant: 42_000, montantInitial: 42_000, montantUtilisable: true });
    expect(c.versions).toEqual([expect.objectContaining({ seq: 0, kind: 'initial', montant: 42_000 })]);
  });

  it('a contract without montant has an unusable amount and a null initial version amount', () => {
    const c = aCanonicalContract({ montant: null });
    expect(c).toMatchObject({ montant: null, montantInitial: null, montantUtilisable: false });
    expect(c.versions[0].montant).toBeNull();
  });

  it('a concession without montant has a usable amount when it has a valeurGlobale', () => {
    const concession = { valeurGlobale: 2_000_000, montantSubventionPublique: null, dateDebutExecution: null, donneesExecution: [] };
    expect(aCanonicalContract({ kind: 'concession', montant: null, concession }).montantUtilisable).toBe(true);
    expect(aCanonicalContract({ kind: 'concession', montant: null, concession: { ...concession, valeurGlobale: null } }).montantUtilisable).toBe(false);
  });

  it('a modified contract keeps its given initial amount in the initial version', () => {
    const c = aCanonicalContract({ montant: 150_000, montantInitial: 100_000 });
    expect(c).toMatchObject({ montant: 150_000, montantInitial: 100_000 });
    expect(c.versions[0].montant).toBe(100_000);
  });

  it('the CPV division and purchase type follow the overridden CPV code', () => {
    expect(aCanonicalContract({ codeCPV: '90919200' })).toMatchObject({ cpvDivision: '90', purchaseType: 'services' });
    expect(aCanonicalContract({ codeCPV: '34144900' })).toMatchObject({ cpvDivision: '34', purchaseType: 'fournitures' });
    expect(aCanonicalContract({ codeCPV: null })).toMatchObject({ cpvDivision: null, purchaseType: null });
  });

  it('the initial version follows the overridden duration, titulaires and dates', () => {
    const titulaire = { id: '34506898700123', typeIdentifiant: 'SIRET', denominationSociale: null, siretValide: true };
    const c = aCanonicalContract({ dureeMois: 36, titulaires: [titulaire], dateNotification: '2023-05-02', datePublicationDonnees: '2023-05-20' });
    expect(c).toMatchObject({ dureeMoisInitiale: 36, dateDerniereModification: '2023-05-02' });
    expect(c.versions[0]).toEqual({
      seq: 0,
      kind: 'initial',
      montant: c.montant,
      dureeMois: 36,
      titulaires: [titulaire],
      dateNotification: '2023-05-02',
      datePublicationDonnees: '2023-05-20',
    });
  });

  it('the uid is the buyer id followed by the contract id unless a test gives one', () => {
    const acheteur = { id: '24350013900189', typeIdentifiant: 'SIRET', denominationSociale: null, siretValide: true };
    expect(aCanonicalContract({ acheteur, id: '2024-VOI-017' }).uid).toBe('243500139001892024-VOI-017');
    expect(aCanonicalContract({ acheteur, id: '2024-VOI-017', uid: 'given-uid' }).uid).toBe('given-uid');
  });

  it('a derived field a test gives explicitly wins over the derivation', () => {
    const c = aCanonicalContract({ montant: 1e17, montantUtilisable: false, cpvDivision: '99' });
    expect(c).toMatchObject({ montant: 1e17, montantUtilisable: false, cpvDivision: '99' });
  });

  it('an undefined override counts as not given', () => {
    expect(aCanonicalContract({ montant: undefined, objet: undefined })).toEqual(aCanonicalContract());
  });

  it('two contracts never share mutable arrays', () => {
    const a = aCanonicalContract();
    a.titulaires.push({ id: 'X', typeIdentifiant: null, denominationSociale: null, siretValide: false });
    a.flags.push({ code: 'AMOUNT_MISSING', field: 'montant', message: 'x' });
    const b = aCanonicalContract();
    expect(b.titulaires).toHaveLength(1);
    expect(b.flags).toEqual([]);
  });
});
