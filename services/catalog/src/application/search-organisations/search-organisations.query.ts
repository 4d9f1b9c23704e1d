import type { SqlEntityManager } from '@mikro-orm/knex';
import { normaliseForSearch } from '../../domain/catalog-records';

export interface OrganisationHit {
  id: string;
  nom: string | null;
  status: string;
  siren: string | null;
  siret: string | null;
  isBuyer: boolean;
  isSupplier: boolean;
  communeCode: string | null;
  departementCode: string | null;
}

/** Lookup by SIRET / SIREN (exact) or by name prefix (case and accent insensitive). */
export async function searchOrganisations(em: SqlEntityManager, q: string, limit = 20): Promise<OrganisationHit[]> {
  const knex = em.getKnex();
  const text = q.trim();
  const qb = knex('organisation as o').select(
    'o.id',
    'o.nom',
    'o.status',
    'o.siren',
    'o.siret',
    'o.is_buyer',
    'o.is_supplier',
    'o.commune_code',
    'o.departement_code',
  );
  const compact = text.replace(/\s/g, '');
  if (/^\d{14}$/.test(compact)) qb.where('o.id', compact).orWhere('o.siret', compact);
  else if (/^\d{9}$/.test(compact)) qb.where('o.siren', compact).orWhere('o.id', compact);
  else {
    const prefix = (normaliseForSearch(text) ?? '').replace(/[\\%_]/g, (c) => `\\${c}`);
    qb.whereRaw(`o.nom_recherche like ? escape '\\'`, [`${prefix}%`]);
  }
  const rows: Record<string, unknown>[] = await qb.orderBy([{ column: 'o.nom', order: 'asc' }, { column: 'o.id', order: 'asc' }]).limit(limit);
  return rows.map((r) => ({
    id: String(r.id),
    nom: (r.nom as string | null) ?? null,
    status: String(r.status),
    siren: (r.siren as string | null) ?? null,
    siret: (r.siret as string | null) ?? null,
    isBuyer: Boolean(r.is_buyer),
    isSupplier: Boolean(r.is_supplier),
    communeCode: (r.commune_code as string | null) ?? null,
    departementCode: (r.departement_code as string | null) ?? null,
  }));
}
