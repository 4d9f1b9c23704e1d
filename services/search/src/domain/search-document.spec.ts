import { aContract, aProfile, BUYERS, CPV_LABELS, FOREIGN_SUPPLIER_ID, SUPPLIERS } from '../testing/contract.builder';
import { applyOrganisationProfile, toSearchDocument } from './search-document';

const orgs = new Map([BUYERS.quimper, SUPPLIERS.tpLeon, SUPPLIERS.eurovia].map((p) => [p.id, p]));

describe('toSearchDocument', () => {
  it('denormalises the buyer and the titulaires from their profiles', () => {
    const contract = aContract({ acheteurId: BUYERS.quimper.id, titulaireIds: [SUPPLIERS.tpLeon.id, FOREIGN_SUPPLIER_ID] });
    const doc = toSearchDocument(contract, orgs, CPV_LABELS['45233140'], 7);
    expect(doc.version).toBe(7);
    expect(doc.cpvLabel).toBe('Travaux routiers');
    expect(doc.buyer).toMatchObject({ siret: BUYERS.quimper.id, siren: '212902325', nom: 'Commune de Quimper', type: 'commune', departement: '29', epci: '200068120', bretagne: true });
    expect(doc.titulaires).toEqual([
      expect.objectContaining({ nom: 'SARL TRAVAUX PUBLICS DU LEON', categorie: 'PME', epci: '242900801', bretagne: true }),
      expect.objectContaining({ id: FOREIGN_SUPPLIER_ID, siret: null, siren: null, nom: null, categorie: 'unknown', bretagne: false }),
    ]);
  });

  it('keeps an unusable amount out of `amount` (sums, ranges, sorting) but shows it in `montant`', () => {
    const doc = toSearchDocument(aContract({ montant: 1e17, montantUtilisable: false }), orgs);
    expect(doc.montant).toBe(1e17);
    expect(doc.amount).toBeNull();
  });

  it('says single bid only when the number of bids is known', () => {
    expect(toSearchDocument(aContract({ offresRecues: 1 }), orgs).singleBid).toBe(true);
    expect(toSearchDocument(aContract({ offresRecues: 4 }), orgs).singleBid).toBe(false);
    expect(toSearchDocument(aContract({ offresRecues: null }), orgs).singleBid).toBeNull();
  });

  it('does not count "Pas de considération …" as a consideration', () => {
    const doc = toSearchDocument(
      aContract({ considerationsSociales: ['Pas de considération sociale'], considerationsEnvironnementales: ['Critère environnemental'] }),
      orgs,
    );
    expect(doc.considerationSociale).toBe(false);
    expect(doc.considerationEnvironnementale).toBe(true);
  });

  it('lists a titulaire published twice once', () => {
    const doc = toSearchDocument(aContract({ titulaireIds: [SUPPLIERS.eurovia.id, SUPPLIERS.eurovia.id] }), orgs);
    expect(doc.titulaires).toHaveLength(1);
  });

  it('falls back on the enrichment a consolidated source carries when no profile is known yet', () => {
    const contract = aContract({
      acheteurId: '21560260100016',
      titulaireIds: ['44306184100047'],
      enrichment: {
        origin: 'decp.info',
        acheteur: { nom: 'Commune de Vannes', departementCode: '56', regionCode: '53', communeCode: '56260' },
        titulaires: [{ id: '44306184100047', nom: 'SAS MARTIN TP', categorie: 'pme', departementCode: '56' }],
      },
    });
    const doc = toSearchDocument(contract, new Map());
    expect(doc.buyer).toMatchObject({ nom: 'Commune de Vannes', departement: '56', bretagne: true, type: null });
    expect(doc.titulaires[0]).toMatchObject({ nom: 'SAS MARTIN TP', categorie: 'PME', departement: '56', bretagne: true });
  });
});

describe('applyOrganisationProfile', () => {
  it('fills in a titulaire resolved after the contract, and leaves other documents untouched', () => {
    const contract = aContract({ titulaireIds: ['88012345600019'] });
    const doc = toSearchDocument(contract, orgs, undefined, 3);
    const profile = aProfile({ id: '88012345600019', nom: 'MENUISERIE LE GOFF', categorieEntreprise: 'PME', departementCode: '29', regionCode: '53' });
    const updated = applyOrganisationProfile(doc, profile);
    expect(updated.titulaires[0]).toMatchObject({ nom: 'MENUISERIE LE GOFF', categorie: 'PME', departement: '29', bretagne: true });
    expect(updated.version).toBe(3);
    expect(doc.titulaires[0].categorie).toBe('unknown'); // pure: the input is not modified
    const other = toSearchDocument(aContract(), orgs);
    expect(applyOrganisationProfile(other, profile)).toBe(other);
  });

  it('is idempotent', () => {
    const doc = toSearchDocument(aContract({ acheteurId: BUYERS.quimper.id }), new Map());
    const once = applyOrganisationProfile(doc, BUYERS.quimper);
    expect(applyOrganisationProfile(once, BUYERS.quimper)).toEqual(once);
    expect(once.buyer).toMatchObject({ nom: 'Commune de Quimper', type: 'commune', departement: '29' });
  });
});
