import type { MikroORM } from '@mikro-orm/core';
import { z } from 'zod';
import { checkFeedDefinition, DEFAULT_INTERVAL_MINUTES, FEED_KINDS, type FeedDefinition } from '../../../domain/feeds/feed-rules';
import { FeedRepository } from '../../../infrastructure/persistence/feed.repository';
import { feedInvalid } from '../feed.errors';
import type { PublishBuyerRegistryHandler } from '../publish-buyer-registry/publish-buyer-registry.handler';

/** The body of `POST /api/admin/feeds`. */
export const RegisterFeedCommand = z.object({
  siret: z.string().trim(),
  nom: z.string().trim(),
  url: z.string().trim().min(1).nullable().optional(),
  kind: z.enum(FEED_KINDS).default('url'),
  intervalMinutes: z.number().int().default(DEFAULT_INTERVAL_MINUTES),
  enabled: z.boolean().default(true),
  /** Name of the environment variable holding a bearer token for this feed. */
  credentialsEnv: z.string().trim().min(1).nullable().optional(),
});
export type RegisterFeedCommand = z.input<typeof RegisterFeedCommand>;

/**
 * Registers a buyer's feed, or updates it when the same buyer and URL are registered again; then publishes the
 * buyer's `BuyerRegistered` (its name or its `active` state may have changed; unchanged, the same event id again).
 */
export class RegisterFeedHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: () => Date = () => new Date(),
    /** Null: the registry is not published (tests of the registry alone). */
    private readonly registry: Pick<PublishBuyerRegistryHandler, 'execute'> | null = null,
  ) {}

  async execute(input: unknown): Promise<{ id: string; created: boolean }> {
    const parsed = RegisterFeedCommand.safeParse(input);
    if (!parsed.success) throw feedInvalid(parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })));
    const c = parsed.data;
    const definition: FeedDefinition = {
      siret: c.siret.replace(/\s/g, ''),
      nom: c.nom,
      url: c.url ?? null,
      kind: c.kind,
      intervalMinutes: c.intervalMinutes,
      enabled: c.enabled,
      credentialsEnv: c.credentialsEnv ?? null,
    };
    const problems = checkFeedDefinition(definition);
    if (problems.length) throw feedInvalid(problems);
    const result = await this.orm.em.fork().transactional((em) => new FeedRepository(em).upsert(definition, this.clock()));
    await this.registry?.execute({ sirets: [definition.siret] });
    return result;
  }
}
