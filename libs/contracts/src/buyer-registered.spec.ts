import { BUYER_REGISTERED, BuyerRegisteredV1, type BuyerRegisteredData } from './events/buyer-registered.v1';
import { createEvent } from './factory';
import { EventContractError, parseEvent } from './registry';
import { TOPICS } from './topics';

const DATA: BuyerRegisteredData = {
  siret: '24350013900189',
  siren: '243500139',
  nom: 'Rennes Métropole',
  registeredAt: '2026-11-28T10:00:00.000Z',
  active: true,
};

const event = (data: BuyerRegisteredData, version: number, hash: string) =>
  createEvent(BUYER_REGISTERED, data, { source: 'observatoire/ingest', aggregateId: data.siret, aggregateVersion: version, correlationId: 'c', idParts: [data.siret, String(version), hash] });

describe('BuyerRegistered v1', () => {
  it('round-trips through parseEvent as the current version of its type', () => {
    const e = event(DATA, 1, 'h1');
    const parsed = parseEvent(JSON.stringify(e));
    expect(parsed.type).toBe('BuyerRegistered');
    expect(parsed).toEqual(e);
    expect(BuyerRegisteredV1.safeParse(e).success).toBe(true);
  });

  it('has a deterministic id: the same fact twice gives the same id, a new version of the buyer another', () => {
    expect(event(DATA, 1, 'h1').eventId).toBe(event(DATA, 1, 'h1').eventId);
    expect(event({ ...DATA, active: false }, 2, 'h2').eventId).not.toBe(event(DATA, 1, 'h1').eventId);
    // Re-enabled: the same content as version 1, but a later fact.
    expect(event(DATA, 3, 'h1').eventId).not.toBe(event(DATA, 1, 'h1').eventId);
  });

  it('refuses a malformed SIRET or SIREN', () => {
    expect(() => parseEvent(event({ ...DATA, siret: '243500139' }, 1, 'h'))).toThrow(EventContractError);
    expect(() => parseEvent(event({ ...DATA, siren: '24350013' }, 1, 'h'))).toThrow(/siren/);
  });

  it('travels on its own topic', () => {
    expect(TOPICS.buyerRegistry).toBe('observatoire.buyer-registry.v1');
  });
});
