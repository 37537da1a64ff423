/**
 * The audit log: who changed what, and when. Route handlers call `audit` after a change lands;
 * details name what changed (fields, credential names), never a secret's value.
 */
import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { Principal } from '../auth/store';
import type { Db } from '../db/client';
import { givenFilters, listLimit } from '../db/lists';
import { auditLog } from '../db/schema';

export type AuditAction =
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.password_set'
  | 'user.create'
  | 'user.update'
  | 'user.login_link'
  | 'token.create'
  | 'token.revoke'
  | 'tenant.update'
  | 'connection.create'
  | 'connection.update'
  | 'connection.credentials_rotated'
  | 'connection.webhook_token_rotated'
  | 'connection.status'
  | 'connection.authorized'
  | 'connection.delete'
  | 'flow.create'
  | 'flow.update'
  | 'flow.delete'
  | 'flow.publish'
  | 'value_map.create'
  | 'value_map.update'
  | 'value_map.delete'
  | 'binding.create'
  | 'binding.delete'
  | 'binding.resolve'
  | 'binding.resync'
  | 'discovery.start'
  | 'discovery.confirm'
  | 'reconciliation.start'
  | 'approval.decide'
  | 'run.start'
  | 'run.reprocess'
  | 'run.resolve'
  | 'run.ticket'
  | 'fiscal.void'
  | 'fiscal.cancel';

export interface AuditEntry {
  action: AuditAction;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** The request's side of an entry: who, from where. */
export interface AuditActor {
  auth: Principal;
  ip?: string;
}

export async function audit(db: Db, actor: AuditActor, entry: AuditEntry) {
  const { auth } = actor;
  await db.insert(auditLog).values({
    tenantId: auth.tenantId,
    actor: auth.via === 'token' ? `token:${auth.tokenId}` : `user:${auth.userId}`,
    actorName: auth.name,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    details: entry.details ?? {},
    ip: actor.ip ?? null,
  });
}

/** Entries written without a signed-in person (failed sign-ins): tenant known from the account. */
export async function auditAnonymous(db: Db, tenantId: string, who: string, ip: string | undefined, entry: AuditEntry) {
  await db.insert(auditLog).values({ tenantId, actor: 'anonymous', actorName: who, action: entry.action, targetType: entry.targetType, targetId: entry.targetId ?? null, details: entry.details ?? {}, ip: ip ?? null });
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
  before?: number;
  limit?: number;
}

export async function listAudit(db: Db, tenantId: string, f: AuditFilter = {}) {
  const conds: SQL[] = [eq(auditLog.tenantId, tenantId), ...givenFilters([auditLog.action, f.action], [auditLog.actor, f.actor], [auditLog.targetType, f.targetType], [auditLog.targetId, f.targetId])];
  if (f.from) conds.push(gte(auditLog.at, new Date(f.from)));
  if (f.to) conds.push(lte(auditLog.at, new Date(f.to)));
  if (f.before) conds.push(lt(auditLog.id, f.before));
  return db
    .select()
    .from(auditLog)
    .where(and(...conds))
    .orderBy(desc(auditLog.id))
    .limit(listLimit(f.limit));
}
