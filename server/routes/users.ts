/** People of the tenant, their API tokens, the tenant's settings and its audit log: admins only. */
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import type { AppDeps } from '../app';
import { audit, type AuditFilter, listAudit } from '../audit/log';
import { actorOf } from '../auth/hooks';
import { isRole, lesserRole, ROLES } from '../auth/roles';
import { createApiToken, createUser, issueLoginLink, listTokens, listUsers, publicToken, publicUser, requireUser, revokeToken, updateUser } from '../auth/store';
import { type Role, tenants } from '../db/schema';
import { BadInput } from '../errors';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const role = { type: 'string', enum: ROLES } as const;

/** Where a one-time link lands: the UI's sign-in screen (a #fragment never reaches a server log). */
export const loginLinkUrl = (publicUrl: string, link: string) => `${publicUrl.replace(/\/$/, '')}/#/entrar?link=${encodeURIComponent(link)}`;

export function registerUserRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const linkFor = async (userId: string) => {
    const { link, expiresAt } = await issueLoginLink(db, userId);
    return { loginLink: loginLinkUrl(deps.publicUrl, link), expiresAt };
  };

  app.get('/api/users', { config: { permission: 'admin' }, schema: { tags: ['users'], summary: 'People of this tenant' } }, async (req) => ({
    users: (await listUsers(db, req.auth.tenantId)).map(publicUser),
  }));

  app.post<{ Body: { email: string; name?: string; role: Role } }>(
    '/api/users',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Invite a person: returns a one-time link (24 h) with which they choose their password',
        body: { type: 'object', required: ['email', 'role'], additionalProperties: false, properties: { email: { type: 'string', maxLength: 320 }, name: { type: 'string', maxLength: 200 }, role } },
      },
    },
    async (req, reply) => {
      if (!/^[^@\s]+@[^@\s]+$/.test(req.body.email.trim())) throw new BadInput([{ field: 'email', message: 'email is not an e-mail address' }]);
      const user = await createUser(db, { tenantId: req.auth.tenantId, email: req.body.email, name: req.body.name, role: req.body.role });
      await audit(db, actorOf(req), { action: 'user.create', targetType: 'user', targetId: user.id, details: { email: user.email, role: user.role } });
      return reply.code(201).send({ user: publicUser(user), ...(await linkFor(user.id)) });
    },
  );

  app.patch<{ Params: { id: string }; Body: { name?: string; role?: Role; disabled?: boolean } }>(
    '/api/users/:id',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Change a person: name, role, or disable (signs them out everywhere; their tokens stop)',
        params: idParam,
        body: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', maxLength: 200 }, role, disabled: { type: 'boolean' } } },
      },
    },
    async (req) => {
      const before = await requireUser(db, req.auth.tenantId, req.params.id);
      const user = await updateUser(db, req.auth.tenantId, req.params.id, req.body);
      const changed = Object.fromEntries(Object.entries(req.body).map(([k, v]) => [k, { from: k === 'disabled' ? before.disabledAt !== null : before[k as 'name' | 'role'], to: v }]));
      await audit(db, actorOf(req), { action: 'user.update', targetType: 'user', targetId: user.id, details: changed });
      return publicUser(user);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/users/:id/login-link',
    { config: { permission: 'admin' }, schema: { tags: ['users'], summary: 'A new one-time link for a person (forgotten password); older unused links stop working', params: idParam } },
    async (req) => {
      const user = await requireUser(db, req.auth.tenantId, req.params.id);
      const link = await linkFor(user.id);
      await audit(db, actorOf(req), { action: 'user.login_link', targetType: 'user', targetId: user.id });
      return link;
    },
  );

  app.get('/api/tokens', { config: { permission: 'admin' }, schema: { tags: ['users'], summary: 'API tokens of this tenant (never the secret)' } }, async (req) => ({
    tokens: (await listTokens(db, req.auth.tenantId)).map(publicToken),
  }));

  app.post<{ Body: { name: string; role: Role; expiresInDays?: number } }>(
    '/api/tokens',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Create an API token; its secret is in this answer only',
        body: {
          type: 'object',
          required: ['name', 'role'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, role, expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 } },
        },
      },
    },
    async (req, reply) => {
      if (!isRole(req.body.role)) throw new BadInput([{ field: 'role', message: 'role is unknown' }]);
      const expiresAt = req.body.expiresInDays ? new Date(Date.now() + req.body.expiresInDays * 86400_000) : null;
      const { token, row } = await createApiToken(db, { tenantId: req.auth.tenantId, userId: req.auth.userId, name: req.body.name, role: lesserRole(req.body.role, req.auth.role), expiresAt });
      await audit(db, actorOf(req), { action: 'token.create', targetType: 'token', targetId: row.id, details: { name: row.name, role: row.role, expiresAt } });
      return reply.code(201).send({ ...publicToken({ ...row, userEmail: req.auth.email }), token });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/tokens/:id',
    { config: { permission: 'admin' }, schema: { tags: ['users'], summary: 'Revoke an API token: it stops working at once', params: idParam } },
    async (req) => {
      const row = await revokeToken(db, req.auth.tenantId, req.params.id);
      await audit(db, actorOf(req), { action: 'token.revoke', targetType: 'token', targetId: row.id, details: { name: row.name } });
      return publicToken((await listTokens(db, req.auth.tenantId)).find((t) => t.id === row.id) ?? row);
    },
  );

  app.get('/api/tenant', { config: { permission: 'view' }, schema: { tags: ['users'], summary: 'This tenant' } }, async (req) => {
    const [tenant] = await db.select().from(tenants).where(eq(tenants.id, req.auth.tenantId));
    return { id: tenant.id, name: tenant.name, createdAt: tenant.createdAt };
  });

  app.patch<{ Body: { name: string } }>(
    '/api/tenant',
    {
      config: { permission: 'admin' },
      schema: { tags: ['users'], summary: "Change this tenant's settings", body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } } },
    },
    async (req) => {
      const [before] = await db.select().from(tenants).where(eq(tenants.id, req.auth.tenantId));
      const [tenant] = await db.update(tenants).set({ name: req.body.name.trim() }).where(eq(tenants.id, req.auth.tenantId)).returning();
      await audit(db, actorOf(req), { action: 'tenant.update', targetType: 'tenant', targetId: tenant.id, details: { name: { from: before.name, to: tenant.name } } });
      return { id: tenant.id, name: tenant.name, createdAt: tenant.createdAt };
    },
  );

  app.get<{ Querystring: AuditFilter }>(
    '/api/audit',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Audit log: who changed what and when, newest first (page with `before`)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            action: { type: 'string' },
            actor: { type: 'string' },
            targetType: { type: 'string' },
            targetId: { type: 'string' },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            before: { type: 'integer' },
            limit: { type: 'integer', minimum: 1, maximum: 500 },
          },
        },
      },
    },
    async (req) => ({ entries: await listAudit(db, req.auth.tenantId, req.query) }),
  );
}
