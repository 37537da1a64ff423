/**
 * Users, sessions, API tokens and one-time login links. Secrets are stored as hashes only; every
 * lookup re-reads the user, so a disabled person or a revoked token stops working at once.
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { newId } from '../connections/store';
import type { Db } from '../db/client';
import { apiTokens, loginLinks, type Role, sessions, users } from '../db/schema';
import { ConflictError, NotFoundError } from '../errors';
import { lesserRole } from './roles';
import { hashSecret, newSecret } from './secrets';

/** Who is asking: attached to every authenticated request as req.auth. */
export interface Principal {
  tenantId: string;
  userId: string;
  /** For the audit log: the person's e-mail, or "token <name> (<e-mail>)". */
  name: string;
  email: string;
  role: Role;
  via: 'session' | 'token';
  sessionId?: string;
  tokenId?: string;
  csrfToken?: string;
  /** Signed in by a one-time link: only setting a password is allowed until then. */
  mustSetPassword?: boolean;
}

export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_MAX_MS = 7 * 24 * 3600_000;
export const LOGIN_LINK_TTL_MS = 24 * 3600_000;
/** last_seen/last_used are written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

export type User = typeof users.$inferSelect;
export const normalEmail = (email: string) => email.trim().toLowerCase();

export function publicUser(u: User) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabledAt !== null, hasPassword: u.passwordHash !== null, lastLoginAt: u.lastLoginAt, createdAt: u.createdAt };
}

export async function createUser(db: Db, input: { tenantId: string; email: string; name?: string; role: Role }): Promise<User> {
  const email = normalEmail(input.email);
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (taken) throw new ConflictError(`A user with e-mail ${email} already exists`);
  const [row] = await db
    .insert(users)
    .values({ id: newId('usr'), tenantId: input.tenantId, email, name: input.name?.trim() ?? '', role: input.role })
    .returning();
  return row;
}

export async function listUsers(db: Db, tenantId: string): Promise<User[]> {
  return db.select().from(users).where(eq(users.tenantId, tenantId)).orderBy(users.createdAt);
}

export async function requireUser(db: Db, tenantId: string, id: string): Promise<User> {
  const [row] = await db.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
  if (!row) throw new NotFoundError(`User ${id} not found`);
  return row;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, normalEmail(email)));
  return row;
}

export async function updateUser(db: Db, tenantId: string, id: string, patch: { name?: string; role?: Role; disabled?: boolean }): Promise<User> {
  const user = await requireUser(db, tenantId, id);
  const set: Partial<typeof users.$inferInsert> = {};
  if (patch.name !== undefined) set.name = patch.name.trim();
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.disabled !== undefined) set.disabledAt = patch.disabled ? (user.disabledAt ?? new Date()) : null;
  if ((patch.role && patch.role !== 'admin') || patch.disabled) await keepOneAdmin(db, tenantId, id);
  const [row] = await db.update(users).set(set).where(eq(users.id, id)).returning();
  // A disabled person is signed out everywhere at once; their tokens fail at the user check.
  if (patch.disabled) await db.delete(sessions).where(eq(sessions.userId, id));
  return row;
}

/** A tenant must keep one active admin, or nobody could manage it any more. */
async function keepOneAdmin(db: Db, tenantId: string, leavingId: string) {
  const admins = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, 'admin'), isNull(users.disabledAt)));
  if (admins.every((a) => a.id === leavingId)) throw new ConflictError('This is the last active admin of the tenant: make someone else admin first');
}

export async function setPassword(db: Db, userId: string, passwordHash: string, keepSessionId?: string) {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
  // Other sessions were opened with the old password (or a link): they end.
  await db.delete(sessions).where(keepSessionId ? and(eq(sessions.userId, userId), sql`${sessions.id} <> ${keepSessionId}`) : eq(sessions.userId, userId));
  if (keepSessionId) await db.update(sessions).set({ mustSetPassword: 0 }).where(eq(sessions.id, keepSessionId));
}

// --- one-time login links ---------------------------------------------------------------

/** A new link replaces the person's unused ones. Returns the secret, to be shown once. */
export async function issueLoginLink(db: Db, userId: string, ttlMs = LOGIN_LINK_TTL_MS): Promise<{ link: string; expiresAt: Date }> {
  const link = newSecret('link');
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.delete(loginLinks).where(and(eq(loginLinks.userId, userId), isNull(loginLinks.usedAt)));
  await db.insert(loginLinks).values({ id: hashSecret(link), userId, expiresAt });
  return { link, expiresAt };
}

/** Uses the link (once: the update is conditional) and returns its user, or null. */
export async function redeemLoginLink(db: Db, link: string): Promise<User | null> {
  const [used] = await db
    .update(loginLinks)
    .set({ usedAt: new Date() })
    .where(and(eq(loginLinks.id, hashSecret(link)), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, new Date())))
    .returning({ userId: loginLinks.userId });
  if (!used) return null;
  const [user] = await db.select().from(users).where(and(eq(users.id, used.userId), isNull(users.disabledAt)));
  return user ?? null;
}

// --- sessions -----------------------------------------------------------------------------

export async function createSession(db: Db, user: User, options: { mustSetPassword?: boolean } = {}): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = newSecret('session');
  const csrfToken = newSecret('session').slice(4);
  const expiresAt = new Date(Date.now() + SESSION_IDLE_MS);
  await db.insert(sessions).values({ id: hashSecret(token), userId: user.id, tenantId: user.tenantId, csrfToken, mustSetPassword: options.mustSetPassword ? 1 : 0, expiresAt });
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  return { token, csrfToken, expiresAt };
}

export async function sessionPrincipal(db: Db, token: string): Promise<Principal | null> {
  const id = hashSecret(token);
  const [row] = await db
    .select({ s: sessions, u: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date()), isNull(users.disabledAt)));
  if (!row) return null;
  const now = Date.now();
  if (now - row.s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    const expiresAt = new Date(Math.min(now + SESSION_IDLE_MS, row.s.createdAt.getTime() + SESSION_MAX_MS));
    await db.update(sessions).set({ lastSeenAt: new Date(now), expiresAt }).where(eq(sessions.id, id));
  }
  return {
    tenantId: row.u.tenantId,
    userId: row.u.id,
    name: row.u.email,
    email: row.u.email,
    role: row.u.role,
    via: 'session',
    sessionId: id,
    csrfToken: row.s.csrfToken,
    mustSetPassword: row.s.mustSetPassword === 1,
  };
}

export async function deleteSession(db: Db, sessionId: string) {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

// --- API tokens ---------------------------------------------------------------------------

export type ApiToken = typeof apiTokens.$inferSelect;

export function publicToken(t: ApiToken & { userEmail?: string }) {
  return { id: t.id, name: t.name, prefix: t.prefix, role: t.role, userId: t.userId, userEmail: t.userEmail, expiresAt: t.expiresAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt, createdAt: t.createdAt };
}

/** `secret` given: registers that value (the operator's PONTE_BOOTSTRAP_TOKEN) instead of a new one. */
export async function createApiToken(
  db: Db,
  input: { tenantId: string; userId: string; name: string; role: Role; expiresAt?: Date | null; secret?: string },
): Promise<{ token: string; row: ApiToken }> {
  const token = input.secret ?? newSecret('token');
  const [row] = await db
    .insert(apiTokens)
    .values({ id: newId('tok'), tenantId: input.tenantId, userId: input.userId, name: input.name.trim(), role: input.role, tokenHash: hashSecret(token), prefix: token.slice(0, 8), expiresAt: input.expiresAt ?? null })
    .returning();
  return { token, row };
}

export async function listTokens(db: Db, tenantId: string) {
  const rows = await db.select({ t: apiTokens, email: users.email }).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId)).where(eq(apiTokens.tenantId, tenantId)).orderBy(apiTokens.createdAt);
  return rows.map((r) => ({ ...r.t, userEmail: r.email }));
}

export async function revokeToken(db: Db, tenantId: string, id: string): Promise<ApiToken> {
  const [row] = await db.select().from(apiTokens).where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, id)));
  if (!row) throw new NotFoundError(`Token ${id} not found`);
  if (row.revokedAt) return row;
  const [revoked] = await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id)).returning();
  return revoked;
}

export async function tokenPrincipal(db: Db, token: string): Promise<Principal | null> {
  const [row] = await db
    .select({ t: apiTokens, u: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hashSecret(token)), isNull(apiTokens.revokedAt), isNull(users.disabledAt)));
  if (!row || (row.t.expiresAt && row.t.expiresAt.getTime() <= Date.now())) return null;
  if (!row.t.lastUsedAt || Date.now() - row.t.lastUsedAt.getTime() > TOUCH_EVERY_MS) await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.t.id));
  return {
    tenantId: row.t.tenantId,
    userId: row.u.id,
    name: `token ${row.t.name} (${row.u.email})`,
    email: row.u.email,
    role: lesserRole(row.t.role, row.u.role),
    via: 'token',
    tokenId: row.t.id,
  };
}
