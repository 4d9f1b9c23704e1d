import { Controller, Get, Injectable, Res } from '@nestjs/common';
import type { Response } from 'express';

export interface HealthCheckResult {
  ok: boolean;
  detail: string;
}

/** Each service registers the checks of its own dependencies (database, bus, search engine). */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, () => Promise<HealthCheckResult>>();

  register(name: string, check: () => Promise<HealthCheckResult>) {
    this.checks.set(name, check);
  }

  async run(): Promise<{ status: 'ok' | 'degraded'; checks: Record<string, HealthCheckResult & { ms: number }> }> {
    const checks: Record<string, HealthCheckResult & { ms: number }> = {};
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        const t = Date.now();
        try {
          const r = await Promise.race([check(), new Promise<HealthCheckResult>((resolve) => setTimeout(() => resolve({ ok: false, detail: 'timeout after 5 s' }), 5000))]);
          checks[name] = { ...r, ms: Date.now() - t };
        } catch (e) {
          checks[name] = { ok: false, detail: (e as Error).message, ms: Date.now() - t };
        }
      }),
    );
    return { status: Object.values(checks).every((c) => c.ok) ? 'ok' : 'degraded', checks };
  }
}

/** Each service contributes the OpenAPI paths (and schemas) of its public endpoints. */
@Injectable()
export class OpenApiRegistry {
  private readonly paths: Record<string, unknown> = {};
  private readonly schemas: Record<string, unknown> = {};

  add(paths: Record<string, unknown>, schemas: Record<string, unknown> = {}) {
    Object.assign(this.paths, paths);
    Object.assign(this.schemas, schemas);
  }

  document(info: { title: string; version: string; description?: string }) {
    return {
      openapi: '3.0.3',
      info,
      servers: [{ url: '/' }],
      paths: Object.fromEntries(Object.entries(this.paths).sort(([a], [b]) => a.localeCompare(b))),
      components: {
        schemas: {
          Error: {
            type: 'object',
            required: ['code', 'message', 'correlationId'],
            properties: { code: { type: 'string' }, message: { type: 'string' }, correlationId: { type: 'string' }, details: {} },
          },
          ...this.schemas,
        },
        securitySchemes: {
          adminKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              'Clé d’API (OBSERVATOIRE_ADMIN_TOKENS : rôle « admin » ; OBSERVATOIRE_INGEST_TOKENS : rôle « ingest », dépôt de fichiers) ou jeton d’accès OIDC (JWT signé par le fournisseur configuré, rôles « admin » ou « ingest »). « admin » inclut « ingest ». 401 sans authentification valide, 403 sans le rôle requis.',
          },
        },
      },
    };
  }
}

@Controller()
export class PlatformController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly openapi: OpenApiRegistry,
  ) {}

  @Get('health')
  async getHealth(@Res() res: Response) {
    const r = await this.health.run();
    res.status(r.status === 'ok' ? 200 : 503).json(r);
  }

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('openapi.json')
  openApi() {
    return this.openapi.document({
      title: 'Observatoire de la commande publique bretonne — API publique',
      version: '0.1.0',
      description: 'Données essentielles de la commande publique (DECP) des acheteurs bretons : recherche, contrats, acheteurs, titulaires, indicateurs de la charte.',
    });
  }
}
