import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';

/** The admin API keys (from OBSERVATOIRE_ADMIN_TOKENS), provided globally by PlatformModule. */
export const ADMIN_TOKENS = Symbol.for('observatoire.adminTokens');
import type { Request } from 'express';

/** Admin and upload endpoints: `Authorization: Bearer <key>` against the configured API keys. Closed when none is configured. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(@Inject(ADMIN_TOKENS) private readonly tokens: string[]) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) throw new UnauthorizedException('Authentification requise (Authorization: Bearer <clé>)');
    const given = Buffer.from(m[1].trim());
    const ok = this.tokens.some((t) => {
      const b = Buffer.from(t);
      return b.length === given.length && timingSafeEqual(b, given);
    });
    if (!ok) throw new UnauthorizedException('Clé d’API invalide');
    return true;
  }
}
