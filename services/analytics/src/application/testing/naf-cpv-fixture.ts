/**
 * A hand-built set of contracts and supplier profiles for the (NAF, CPV) table of wins, with the table it must
 * give — shared by the SQLite (unit tier) and PostgreSQL (integration tier) tests of the store. Synthetic data.
 */
import { TOPICS, type Contract, type OrganisationProfile } from '@observatoire/contracts';
import type { NafCpvWins } from '../../domain';
import { contract, profile, ref } from '../../domain/testing/builders';
import { contractPublished, delivered, supplierResolved } from './analytics-test-kit';

const BUYER = '21560121900014';
export const NAF_FIXTURE_SUPPLIERS = {
  electrician1: '90000000100011',
  electrician2: '90000000200012',
  plumber: '90000000300013',
  architect: '90000000400014',
  withoutNaf: '90000000500015',
  withoutProfile: '90000000600016',
} as const;
const S = NAF_FIXTURE_SUPPLIERS;

export function nafFixtureProfiles(): OrganisationProfile[] {
  return [
    profile(S.electrician1, { naf: '43.21A' }),
    profile(S.electrician2, { naf: '43.21A' }),
    profile(S.plumber, { naf: '43.22A' }),
    profile(S.architect, { naf: '71.12B' }),
    profile(S.withoutNaf, { naf: null }),
  ];
}

function won(uid: string, codeCPV: string | null, titulaires: string[], overrides: Partial<Contract> = {}): Contract {
  return contract({
    uid: `NAF-${uid}`,
    id: uid,
    acheteur: ref(BUYER),
    codeCPV,
    cpvDivision: codeCPV ? codeCPV.slice(0, 2) : null,
    purchaseType: codeCPV?.startsWith('45') ? 'travaux' : codeCPV ? 'services' : null,
    titulaires: titulaires.map((id) => ref(id)),
    ...overrides,
  });
}

export function nafFixtureContracts(): Contract[] {
  return [
    won('C1', '45310000', [S.electrician1], { montant: 100_000 }),
    // two co-contractors with the same NAF code: one win of 43.21A
    won('C2', '45311000', [S.electrician1, S.electrician2], { montant: 200_000 }),
    // an electrician and a plumber: a win of each code
    won('C3', '45330000', [S.electrician1, S.plumber], { montant: 300_000 }),
    // a framework agreement (counted, its maximum not summed) and an unusable amount (counted, not summed)
    won('C4', '45400000', [S.electrician2], { montant: 1_000_000, techniques: ['Accord-cadre'] }),
    won('C5', '45400000', [S.electrician2], { montant: 999_999_999_999, montantUtilisable: false }),
    won('C6', '71200000', [S.architect], { montant: 50_000, purchaseType: 'services' }),
    // no CPV code: not placed
    won('C7', null, [S.electrician1], { montant: 10_000 }),
    // titulaires without a NAF code or without a profile: no win
    won('C8', '45310000', [S.withoutNaf, S.withoutProfile], { montant: 70_000 }),
  ];
}

/** The table the store must answer for the fixture (ordered by NAF, then CPV group). */
export const NAF_FIXTURE_WINS: NafCpvWins[] = [
  { naf: '43.21A', cpv: '453', contracts: 3, amount: 600_000 },
  { naf: '43.21A', cpv: '454', contracts: 2, amount: 0 },
  { naf: '43.22A', cpv: '453', contracts: 1, amount: 300_000 },
  { naf: '71.12B', cpv: '712', contracts: 1, amount: 50_000 },
];

/** The fixture as the consumers receive it: profiles first, then contracts. */
export function nafFixtureBatches() {
  return {
    organisations: delivered(nafFixtureProfiles().map((p) => supplierResolved(p, 1)), TOPICS.organisations),
    contracts: delivered(nafFixtureContracts().map((c) => contractPublished(c, 1))),
  };
}
