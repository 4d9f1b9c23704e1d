import { aContract, contractPublished, org } from '../../test/support/contract-events';
import { projectContract } from './contract-projection';

describe('organisations a contract names', () => {
  it('asks for the resolution of the buyer, every titulaire and every subcontractor, once each', () => {
    const contract = aContract({
      titulaires: [org('44306184100047'), org('52345678800011')],
      actesSousTraitance: [
        { id: 'ST1', sousTraitant: org('38012986600013'), dureeMois: 6, dateNotification: '2024-03-01', datePublicationDonnees: '2024-03-05', montant: 20000 },
        { id: 'ST2', sousTraitant: org('44306184100047'), dureeMois: 6, dateNotification: '2024-03-01', datePublicationDonnees: '2024-03-05', montant: 5000 },
        { id: 'ST3', sousTraitant: null, dureeMois: null, dateNotification: null, datePublicationDonnees: null, montant: null },
      ],
    });
    const projection = projectContract(contractPublished(contract, 1), new Date('2024-06-01T00:00:00Z'));
    const byRole = projection.organisations.map((o) => `${o.role}:${o.id}`);
    expect(byRole).toEqual([`buyer:${contract.acheteur.id}`, 'supplier:44306184100047', 'supplier:52345678800011', 'supplier:38012986600013']);
  });
});
