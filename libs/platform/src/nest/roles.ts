import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Roles of the admin and upload surface. `admin`: operations (feeds, replay, dead letters,
 * re-resolve, consumers); `ingest`: file upload only. `admin` implies `ingest`.
 */
export const ROLES = ['admin', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

const IMPLIED: Record<Role, readonly Role[]> = { admin: ['admin', 'ingest'], ingest: ['ingest'] };

/** The roles held, implications included (`admin` → `admin`, `ingest`). */
export function expandRoles(roles: Iterable<Role>): Set<Role> {
  const out = new Set<Role>();
  for (const r of roles) for (const implied of IMPLIED[r]) out.add(implied);
  return out;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export const REQUIRED_ROLES = 'observatoire:requiredRoles';

/** The role when a handler or controller declares none. */
export const DEFAULT_REQUIRED_ROLE: Role = 'admin';

/**
 * Roles accepted by `AdminAuthGuard` on a handler or a controller (the handler's wins); one of them
 * is enough. Without it, `admin` is required.
 */
export const RequireRoles = (...roles: [Role, ...Role[]]) => SetMetadata(REQUIRED_ROLES, roles);

/** Who acted: the OIDC subject, or `api-key:<first 4 characters>…`. */
export interface Principal {
  subject: string;
  via: 'api-key' | 'oidc';
  roles: ReadonlySet<Role>;
}

const PRINCIPAL = Symbol.for('observatoire.principal');

export function setPrincipal(req: Request, principal: Principal): void {
  (req as Request & { [PRINCIPAL]?: Principal })[PRINCIPAL] = principal;
}

/** The principal `AdminAuthGuard` authenticated for this request (undefined on unguarded routes). */
export function principalOf(req: Request): Principal | undefined {
  return (req as Request & { [PRINCIPAL]?: Principal })[PRINCIPAL];
}
