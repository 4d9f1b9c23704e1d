import type { ContractPublishedV1, OrganisationRef } from '@observatoire/contracts';
import type {
  ContractProvenanceRecord,
  ContractRecord,
  ContractTitulaireRecord,
  ContractVersionRecord,
  OrganisationEnrichment,
  OrganisationRole,
  SubcontractingActRecord,
  TitulaireRole,
} from './catalog-records';
import { classifyIdentifier } from './identifier';

/** Everything one ContractPublished event writes, as records (pure). */
export interface ContractProjection {
  contract: ContractRecord;
  versions: ContractVersionRecord[];
  titulaires: ContractTitulaireRecord[];
  subcontractingActs: SubcontractingActRecord[];
  provenance: ContractProvenanceRecord[];
  organisations: OrganisationSighting[];
}

/** An organisation seen in a contract, in a role. */
export interface OrganisationSighting {
  id: string;
  role: OrganisationRole;
  typeIdentifiant: string | null;
  enrichment: OrganisationEnrichment | null;
}

export function sirenOf(ref: Pick<OrganisationRef, 'id' | 'typeIdentifiant'>): string | null {
  return classifyIdentifier(ref.id, ref.typeIdentifiant).siren;
}

function roleOf(ordinal: number, count: number): TitulaireRole {
  if (count === 1) return 'titulaire';
  return ordinal === 0 ? 'mandataire' : 'cotraitant';
}

export function projectContract(event: ContractPublishedV1, now: Date): ContractProjection {
  const c = event.data.contract;
  const uid = c.uid;
  const enrichment = c.enrichment;
  const contract: ContractRecord = {
    uid,
    id: c.id,
    kind: c.kind,
    acheteurId: c.acheteur.id,
    acheteurSiren: sirenOf(c.acheteur),
    objet: c.objet,
    codeCpv: c.codeCPV,
    cpvDivision: c.cpvDivision,
    purchaseType: c.purchaseType,
    nature: c.nature,
    procedure: c.procedure,
    montant: c.montant,
    montantUtilisable: c.montantUtilisable,
    dureeMois: c.dureeMois,
    dateNotification: c.dateNotification,
    annee: c.dateNotification ? Number(c.dateNotification.slice(0, 4)) : null,
    sortDate: c.dateNotification ?? '0000-00-00',
    datePublication: c.datePublicationDonnees,
    dateDerniereModification: c.dateDerniereModification,
    titulairesCount: c.titulaires.length,
    offresRecues: c.offresRecues,
    attributionAvance: c.attributionAvance,
    sousTraitanceDeclaree: c.sousTraitanceDeclaree,
    aggregateVersion: event.aggregateVersion,
    contentHash: event.data.contentHash,
    lastEventId: event.eventId,
    updatedAt: now,
    data: c,
  };
  const versions: ContractVersionRecord[] = c.versions.map((v) => ({
    contractUid: uid,
    seq: v.seq,
    kind: v.kind,
    montant: v.montant,
    dureeMois: v.dureeMois,
    dateNotification: v.dateNotification,
    datePublication: v.datePublicationDonnees,
    objetModification: v.objetModification ?? null,
    titulaires: v.titulaires,
  }));
  const titulaires: ContractTitulaireRecord[] = c.titulaires.map((t, ordinal) => ({
    contractUid: uid,
    ordinal,
    titulaireId: t.id,
    titulaireSiren: sirenOf(t),
    typeIdentifiant: t.typeIdentifiant,
    denominationSociale: t.denominationSociale ?? null,
    role: roleOf(ordinal, c.titulaires.length),
  }));
  const subcontractingActs: SubcontractingActRecord[] = c.actesSousTraitance.map((a, ordinal) => ({
    contractUid: uid,
    ordinal,
    actId: a.id,
    sousTraitantId: a.sousTraitant?.id ?? null,
    sousTraitantTypeIdentifiant: a.sousTraitant?.typeIdentifiant ?? null,
    montant: a.montant,
    dureeMois: a.dureeMois,
    dateNotification: a.dateNotification,
    datePublication: a.datePublicationDonnees,
    variationPrix: a.variationPrix ?? null,
  }));
  const provenance: ContractProvenanceRecord[] = c.provenance.map((p, ordinal) => ({
    contractUid: uid,
    ordinal,
    source: p.source,
    file: p.file,
    position: p.position,
    format: p.format,
    schemaVersion: p.schemaVersion,
  }));

  const buyerEnrichment: OrganisationEnrichment | null = enrichment?.acheteur
    ? {
        origin: enrichment.origin,
        nom: enrichment.acheteur.nom ?? null,
        categorie: null,
        communeCode: enrichment.acheteur.communeCode ?? null,
        departementCode: enrichment.acheteur.departementCode ?? null,
        regionCode: enrichment.acheteur.regionCode ?? null,
      }
    : null;
  const organisations: OrganisationSighting[] = [
    { id: c.acheteur.id, role: 'buyer', typeIdentifiant: c.acheteur.typeIdentifiant, enrichment: buyerEnrichment },
  ];
  // Titulaires of every version, and subcontractors: every SIRET a contract names gets resolved.
  const supplierRefs = [...c.titulaires, ...c.versions.flatMap((v) => v.titulaires ?? []), ...c.actesSousTraitance.flatMap((a) => (a.sousTraitant ? [a.sousTraitant] : []))];
  const seen = new Set<string>();
  for (const t of supplierRefs) {
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    const e = enrichment?.titulaires?.find((x) => x.id === t.id);
    organisations.push({
      id: t.id,
      role: 'supplier',
      typeIdentifiant: t.typeIdentifiant,
      enrichment:
        e && enrichment
          ? {
              origin: enrichment.origin,
              nom: e.nom ?? t.denominationSociale ?? null,
              categorie: e.categorie ?? null,
              communeCode: e.communeCode ?? null,
              departementCode: e.departementCode ?? null,
              regionCode: e.regionCode ?? null,
            }
          : null,
    });
  }
  return { contract, versions, titulaires, subcontractingActs, provenance, organisations };
}
