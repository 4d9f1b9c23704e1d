import { buyerRegisteredData, buyerRegisteredEvent, nextRegistryStamp, type RegistryBuyer } from './buyer-registry';

const RENNES: RegistryBuyer = {
  siret: '24350013900189',
  nom: 'Rennes Métropole',
  createdAt: new Date('2026-11-28T10:00:00Z'),
  enabledFeeds: 1,
  registryVersion: 0,
  registryHash: null,
};
const META = { source: 'observatoire/ingest', correlationId: 'c' };

describe('buyer registry rules', () => {
  it('describes a buyer with its SIREN, its registration date, and active while one feed is enabled', () => {
    expect(buyerRegisteredData(RENNES)).toEqual({ siret: '24350013900189', siren: '243500139', nom: 'Rennes Métropole', registeredAt: '2026-11-28T10:00:00.000Z', active: true });
    expect(buyerRegisteredData({ ...RENNES, enabledFeeds: 0 }).active).toBe(false);
  });

  it('gives version 1 to a buyer never stamped, and keeps the stamp while the content does not change', () => {
    const first = nextRegistryStamp(RENNES);
    expect(first).toMatchObject({ version: 1, changed: true });
    const stamped = { ...RENNES, registryVersion: first.version, registryHash: first.hash };
    expect(nextRegistryStamp(stamped)).toEqual({ version: 1, hash: first.hash, changed: false });
    expect(buyerRegisteredEvent(stamped, nextRegistryStamp(stamped), META).eventId).toBe(buyerRegisteredEvent(stamped, first, META).eventId);
  });

  it('raises the version on every change, even back to an earlier content (a new event id)', () => {
    const v1 = nextRegistryStamp(RENNES);
    const disabled = { ...RENNES, enabledFeeds: 0, registryVersion: 1, registryHash: v1.hash };
    const v2 = nextRegistryStamp(disabled);
    expect(v2).toMatchObject({ version: 2, changed: true });
    const enabledAgain = { ...RENNES, registryVersion: 2, registryHash: v2.hash };
    const v3 = nextRegistryStamp(enabledAgain);
    expect(v3).toMatchObject({ version: 3, hash: v1.hash, changed: true });
    const e1 = buyerRegisteredEvent(RENNES, v1, META);
    const e3 = buyerRegisteredEvent(enabledAgain, v3, META);
    expect(e3.data).toEqual(e1.data);
    expect(e3.eventId).not.toBe(e1.eventId);
    expect(e3).toMatchObject({ type: 'BuyerRegistered', aggregateId: RENNES.siret, aggregateVersion: 3 });
  });
});
