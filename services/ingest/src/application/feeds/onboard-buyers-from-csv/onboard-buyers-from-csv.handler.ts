import type { MikroORM } from '@mikro-orm/core';
import { parseOnboardingCsv, type FieldProblem } from '../../../domain/feeds/feed-rules';
import { FeedRepository } from '../../../infrastructure/persistence/feed.repository';
import type { PublishBuyerRegistryHandler } from '../publish-buyer-registry/publish-buyer-registry.handler';

export type OnboardingLineReport =
  | { line: number; status: 'created' | 'updated'; siret: string; feedId: string }
  | { line: number; status: 'invalid'; problems: FieldProblem[] };

export interface OnboardingReport {
  created: number;
  updated: number;
  invalid: number;
  lines: OnboardingLineReport[];
}

/**
 * Bulk onboarding from `siret;nom;url;intervalle_minutes`: every valid line is registered (one
 * transaction), every invalid one is reported with its line number and field, and does not block
 * the others. Importing the same file twice updates, never duplicates. Then the `BuyerRegistered` of every buyer of a
 * valid line is published (importing the same file twice publishes the same event ids again: consumers skip them).
 */
export class OnboardBuyersFromCsvHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: () => Date = () => new Date(),
    /** Null: the registry is not published (tests of the registry alone). */
    private readonly registry: Pick<PublishBuyerRegistryHandler, 'execute'> | null = null,
  ) {}

  async execute(csv: string): Promise<OnboardingReport> {
    const parsed = parseOnboardingCsv(csv);
    const now = this.clock();
    const lines = await this.orm.em.fork().transactional(async (em) => {
      const repo = new FeedRepository(em);
      const out: OnboardingLineReport[] = [];
      for (const l of parsed) {
        if (!l.ok) {
          out.push({ line: l.line, status: 'invalid', problems: l.problems });
          continue;
        }
        const { id, created } = await repo.upsert(l.definition, now);
        out.push({ line: l.line, status: created ? 'created' : 'updated', siret: l.definition.siret, feedId: id });
      }
      return out;
    });
    await this.registry?.execute({ sirets: [...new Set(lines.flatMap((l) => (l.status === 'invalid' ? [] : [l.siret])))] });
    return {
      created: lines.filter((l) => l.status === 'created').length,
      updated: lines.filter((l) => l.status === 'updated').length,
      invalid: lines.filter((l) => l.status === 'invalid').length,
      lines,
    };
  }
}
