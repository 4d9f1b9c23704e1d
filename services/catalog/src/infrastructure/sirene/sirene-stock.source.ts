import type { SqlEntityManager } from '@mikro-orm/knex';
import type { OrganisationSource } from '../../application/resolve-organisations/organisation-resolver.port';
import type { ClassifiedIdentifier } from '../../domain/identifier';
import type { SireneFacts, SourceAnswer } from '../../domain/organisation-profile';
import { SireneEtablissementEntity, SireneUniteLegaleEntity, type SireneEtablissementRecord, type SireneUniteLegaleRecord } from '../orm/entities';

export const SIRENE_STOCK_ORIGIN = 'sirene-stock';

/** statutDiffusion: O diffusible, P partially diffusible (treated as non-diffusible), N (older stocks). */
function diffusible(statut: string): boolean {
  return statut === 'O';
}

export function nameOfUniteLegale(u: SireneUniteLegaleRecord): string | null {
  if (u.denomination) return u.denomination;
  const person = [u.prenom, u.nom].filter(Boolean).join(' ');
  return person || u.sigle || null;
}

function facts(u: SireneUniteLegaleRecord, e: SireneEtablissementRecord | undefined, siret: string | null): SireneFacts {
  const located = e && diffusible(e.statutDiffusion);
  return {
    siren: u.siren,
    siret,
    nom: nameOfUniteLegale(u),
    categorieEntreprise: u.categorieEntreprise,
    trancheEffectifs: u.trancheEffectifs,
    categorieJuridique: u.categorieJuridique,
    naf: u.activitePrincipale,
    communeCode: e?.codeCommune ?? null,
    latitude: located ? e.latitude : null,
    longitude: located ? e.longitude : null,
  };
}

/** Source (a): the SIRENE stock tables filled by `importSireneStock`. Two queries per batch. */
export class SireneStockSource implements OrganisationSource {
  readonly origin = SIRENE_STOCK_ORIGIN;

  async lookup(em: SqlEntityManager, identifiers: readonly ClassifiedIdentifier[]): Promise<Map<string, SourceAnswer>> {
    const sirens = [...new Set(identifiers.map((i) => i.siren).filter((s): s is string => !!s))];
    const units = sirens.length ? await em.find(SireneUniteLegaleEntity, { siren: { $in: sirens } }, { disableIdentityMap: true }) : [];
    const unitBySiren = new Map(units.map((u) => [u.siren, u]));
    const sirets = new Set<string>();
    for (const i of identifiers) {
      if (i.siret) sirets.add(i.siret);
      const u = i.siren ? unitBySiren.get(i.siren) : undefined;
      if (!i.siret && u?.nicSiege) sirets.add(u.siren + u.nicSiege);
    }
    const establishments = sirets.size
      ? await em.find(SireneEtablissementEntity, { siret: { $in: [...sirets] } }, { disableIdentityMap: true })
      : [];
    const establishmentBySiret = new Map(establishments.map((e) => [e.siret, e]));

    const answers = new Map<string, SourceAnswer>();
    for (const i of identifiers) {
      const u = i.siren ? unitBySiren.get(i.siren) : undefined;
      if (!u) {
        answers.set(i.id, { kind: 'not-found' });
        continue;
      }
      if (!diffusible(u.statutDiffusion)) {
        answers.set(i.id, { kind: 'not-diffusible' });
        continue;
      }
      const siret = i.siret ?? (u.nicSiege ? u.siren + u.nicSiege : null);
      answers.set(i.id, { kind: 'found', facts: facts(u, siret ? establishmentBySiret.get(siret) : undefined, siret) });
    }
    return answers;
  }
}
