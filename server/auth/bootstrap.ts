/**
 * The first start: the default tenant gets an admin without a password, and the log shows a
 * one-time link with which that person chooses one. There is never a default password.
 * An operator may also hand in an API token (PONTE_BOOTSTRAP_TOKEN) for automation; it is stored
 * hashed, like any token.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { apiTokens, users } from '../db/schema';
import { loginLinkUrl } from '../routes/users';
import { hashSecret } from './secrets';
import { createApiToken, createUser, issueLoginLink } from './store';

export interface BootstrapResult {
  /** Set when the tenant's admin still has no password: the link to print. */
  loginLink?: string;
  adminEmail?: string;
  createdAdmin: boolean;
  registeredToken: boolean;
}

export async function bootstrapAdmin(db: Db, options: { tenantId: string; publicUrl: string; adminEmail?: string; bootstrapToken?: string }): Promise<BootstrapResult> {
  const result: BootstrapResult = { createdAdmin: false, registeredToken: false };
  let admins = await db.select().from(users).where(and(eq(users.tenantId, options.tenantId), eq(users.role, 'admin'), isNull(users.disabledAt)));
  if (!admins.length) {
    try {
      admins = [await createUser(db, { tenantId: options.tenantId, email: options.adminEmail ?? 'admin@localhost', name: 'Admin', role: 'admin' })];
      result.createdAdmin = true;
    } catch (err) {
      // Another server starting at the same moment created it: use theirs.
      admins = await db.select().from(users).where(and(eq(users.tenantId, options.tenantId), eq(users.role, 'admin'), isNull(users.disabledAt)));
      if (!admins.length) throw err;
    }
  }
  // Until some admin has a password, every start prints a fresh link (the last one may have expired).
  if (admins.every((a) => a.passwordHash === null)) {
    const { link } = await issueLoginLink(db, admins[0].id);
    result.loginLink = loginLinkUrl(options.publicUrl, link);
    result.adminEmail = admins[0].email;
  }
  if (options.bootstrapToken) {
    const [known] = await db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.tokenHash, hashSecret(options.bootstrapToken)));
    if (!known)
      try {
        await createApiToken(db, { tenantId: options.tenantId, userId: admins[0].id, name: 'PONTE_BOOTSTRAP_TOKEN', role: 'admin', secret: options.bootstrapToken });
        result.registeredToken = true;
      } catch (err) {
        // Unique on the hash: another server registered it first.
        const [now] = await db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.tokenHash, hashSecret(options.bootstrapToken)));
        if (!now) throw err;
      }
  }
  return result;
}
