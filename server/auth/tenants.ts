/** Tenants: one per seller an integrator serves. Each starts with one admin and a one-time link. */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { tenants } from '../db/schema';
import { ConflictError } from '../errors';
import { createUser, issueLoginLink, type User } from './store';

export async function createTenant(db: Db, input: { id: string; name: string; adminEmail: string }): Promise<{ tenant: typeof tenants.$inferSelect; admin: User; link: string }> {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(input.id)) throw new ConflictError('A tenant id has 2-63 lowercase letters, digits and dashes');
  if ((await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, input.id))).length) throw new ConflictError(`Tenant "${input.id}" already exists`);
  const [tenant] = await db.insert(tenants).values({ id: input.id, name: input.name }).returning();
  const admin = await createUser(db, { tenantId: tenant.id, email: input.adminEmail, name: 'Admin', role: 'admin' });
  const { link } = await issueLoginLink(db, admin.id);
  return { tenant, admin, link };
}
