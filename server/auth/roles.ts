/**
 * Roles and route permissions. Every route declares one permission (config.permission); the
 * auth hook refuses a request whose role does not reach it, before the body is even parsed.
 */
import type { Role } from '../db/schema';

export type { Role };
export const ROLES: Role[] = ['viewer', 'editor', 'admin'];

/**
 * public: no sign-in (login, health, provider webhooks authenticated by their own token).
 * view: read anything of the tenant. run: start runs by hand and reprocess (viewers may).
 * edit: change connections, flows, mappings, value maps. admin: users, tokens, tenant, audit.
 */
export type Permission = 'public' | 'view' | 'run' | 'edit' | 'admin';
export const PERMISSIONS: Permission[] = ['public', 'view', 'run', 'edit', 'admin'];

const NEEDS: Record<Exclude<Permission, 'public'>, Role> = { view: 'viewer', run: 'viewer', edit: 'editor', admin: 'admin' };
const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export function allows(role: Role, permission: Permission): boolean {
  return permission === 'public' || RANK[role] >= RANK[NEEDS[permission]];
}

/** The lesser of two roles: a token never has more rights than the person who made it. */
export function lesserRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as string[]).includes(value);
}
