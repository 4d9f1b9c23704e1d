import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AdminAuthenticator } from './admin-authenticator';
import { AUTH_REALM, AuthenticationFailure, IdentityProviderUnavailable } from './auth-errors';
import { DEFAULT_REQUIRED_ROLE, REQUIRED_ROLES, type Role, setPrincipal } from './roles';

/** The admin API keys (from OBSERVATOIRE_ADMIN_TOKENS), provided globally by PlatformModule. */
export const ADMIN_TOKENS = Symbol.for('observatoire.adminTokens');

/**
 * Admin and upload endpoints: authenticates `Authorization: Bearer <API key or OIDC JWT>` with the
 * process's `AdminAuthenticator`, then requires one of the roles of `@RequireRoles(...)` on the handler
 * or the controller (`admin` when absent). 401 with `WWW-Authenticate: Bearer` when not authenticated,
 * 403 when the role is missing; closed when neither keys nor OIDC are configured. The principal is
 * left on the request (`principalOf(req)`) for audit logs.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly auth: AdminAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]) ?? [DEFAULT_REQUIRED_ROLE];
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    let principal;
    try {
      principal = await this.auth.authenticate(req.headers.authorization);
    } catch (e) {
      if (e instanceof AuthenticationFailure) {
        res.setHeader('WWW-Authenticate', e.challenge());
        throw new UnauthorizedException(e.message);
      }
      if (e instanceof IdentityProviderUnavailable) {
        console.error(JSON.stringify({ level: 'error', msg: 'identity provider unavailable', err: e.message }));
        throw new ServiceUnavailableException('Fournisseur d’identité OIDC injoignable : réessayez plus tard');
      }
      throw e;
    }
    setPrincipal(req, principal);
    if (!required.some((r) => principal.roles.has(r))) {
      res.setHeader('WWW-Authenticate', `Bearer realm="${AUTH_REALM}", error="insufficient_scope", scope="${required.join(' ')}"`);
      const held = principal.roles.size ? [...principal.roles].join(', ') : 'aucun';
      throw new ForbiddenException(`Droits insuffisants : rôle ${required.map((r) => `« ${r} »`).join(' ou ')} requis (rôles de ${principal.subject} : ${held})`);
    }
    return true;
  }
}
