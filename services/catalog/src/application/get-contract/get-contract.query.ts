import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Contract } from '@observatoire/contracts';
import { NotFoundError } from '../../domain/catalog.errors';
import type { ContractProvenanceRecord, ContractVersionRecord, SubcontractingActRecord, TitulaireRole } from '../../domain/catalog-records';
import {
  ContractEntity,
  ContractProvenanceEntity,
  ContractTitulaireEntity,
  ContractVersionEntity,
  SubcontractingActEntity,
} from '../../infrastructure/orm/entities';
import { organisationViews, pendingView, type OrganisationView } from '../catalog-read';

export interface ContractDetail {
  uid: string;
  aggregateVersion: number;
  contract: Contract;
  versions: Omit<ContractVersionRecord, 'contractUid'>[];
  acheteur: OrganisationView;
  titulaires: { ordinal: number; role: TitulaireRole; organisation: OrganisationView }[];
  actesSousTraitance: Omit<SubcontractingActRecord, 'contractUid'>[];
  provenance: Omit<ContractProvenanceRecord, 'contractUid'>[];
}

function withoutUid<T extends { contractUid: string }>(row: T): Omit<T, 'contractUid'> {
  const { contractUid: _uid, ...rest } = row;
  return rest;
}

export async function getContract(em: SqlEntityManager, uid: string): Promise<ContractDetail> {
  const contract = await em.findOne(ContractEntity, { uid }, { disableIdentityMap: true });
  if (!contract) throw new NotFoundError('CATALOG_CONTRACT_NOT_FOUND', `aucun marché d’identifiant « ${uid} »`);
  const options = { disableIdentityMap: true, orderBy: { ordinal: 'asc' as const } };
  const [versions, titulaires, acts, provenance] = await Promise.all([
    em.find(ContractVersionEntity, { contractUid: uid }, { disableIdentityMap: true, orderBy: { seq: 'asc' } }),
    em.find(ContractTitulaireEntity, { contractUid: uid }, options),
    em.find(SubcontractingActEntity, { contractUid: uid }, options),
    em.find(ContractProvenanceEntity, { contractUid: uid }, options),
  ]);
  const views = await organisationViews(em, [contract.acheteurId, ...titulaires.map((t) => t.titulaireId)]);
  const view = (id: string) => views.get(id) ?? pendingView(id);
  return {
    uid,
    aggregateVersion: contract.aggregateVersion,
    contract: contract.data,
    versions: versions.map(withoutUid),
    acheteur: view(contract.acheteurId),
    titulaires: titulaires.map((t) => ({ ordinal: t.ordinal, role: t.role, organisation: view(t.titulaireId) })),
    actesSousTraitance: acts.map(withoutUid),
    provenance: provenance.map(withoutUid),
  };
}
