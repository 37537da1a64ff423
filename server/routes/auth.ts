/** Sign-in: password, one-time link, session, sign-out, own password. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app';
import { audit, auditAnonymous } from '../audit/log';
import { actorOf, clientIp, SESSION_COOKIE } from '../auth/hooks';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/passwords';
import { clearFailures, recordFailure, refuseIfThrottled, throttleKeys } from '../auth/throttle';
import { createSession, deleteSession, findUserByEmail, normalEmail, redeemLoginLink, SESSION_MAX_MS, setPassword, type User } from '../auth/store';
import { tenants } from '../db/schema';
import { eq } from 'drizzle-orm';
import { BadInput, Forbidden, Unauthenticated } from '../errors';

/** Sign-in bodies are tiny; a big one is an attack, refused before it is read. */
const SMALL_BODY = 16 * 1024;

export function registerAuthRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const secure = deps.publicUrl.startsWith('https:');

  const tenantOf = async (id: string) => (await db.select().from(tenants).where(eq(tenants.id, id)))[0];
  const sessionView = async (user: Pick<User, 'id' | 'email' | 'name' | 'role' | 'tenantId'>, csrfToken: string | undefined, mustSetPassword: boolean, via: 'session' | 'token') => {
    const tenant = await tenantOf(user.tenantId);
    return { user: { id: user.id, email: user.email, name: user.name, role: user.role }, tenant: { id: tenant.id, name: tenant.name }, csrfToken: csrfToken ?? null, mustSetPassword, via };
  };
  const startSession = async (reply: FastifyReply, user: User, mustSetPassword: boolean) => {
    const session = await createSession(db, user, { mustSetPassword });
    reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, secure, sameSite: 'strict', path: '/', maxAge: SESSION_MAX_MS / 1000 });
    return sessionView(user, session.csrfToken, mustSetPassword, 'session');
  };

  app.post<{ Body: { email: string; password: string } }>(
    '/api/auth/login',
    {
      bodyLimit: SMALL_BODY,
      config: { permission: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; sets the session cookie and returns the CSRF token',
        body: { type: 'object', required: ['email', 'password'], additionalProperties: false, properties: { email: { type: 'string', maxLength: 320 }, password: { type: 'string', maxLength: 200 } } },
      },
    },
    async (req, reply) => {
      const email = normalEmail(req.body.email);
      const keys = throttleKeys(email, clientIp(req));
      await refuseIfThrottled(db, keys);
      const user = await findUserByEmail(db, email);
      const ok = (await verifyPassword(req.body.password, user?.passwordHash ?? null)) && user && !user.disabledAt;
      if (!ok || !user) {
        await recordFailure(db, keys);
        if (user) await auditAnonymous(db, user.tenantId, email, clientIp(req), { action: 'auth.login_failed', targetType: 'user', targetId: user.id });
        // One answer for unknown e-mail, wrong password and disabled account: nothing to enumerate.
        throw new Unauthenticated('E-mail or password is wrong');
      }
      await clearFailures(db, keys.account);
      const view = await startSession(reply, user, false);
      await audit(db, { auth: { tenantId: user.tenantId, userId: user.id, name: user.email, email: user.email, role: user.role, via: 'session' }, ip: clientIp(req) }, { action: 'auth.login', targetType: 'user', targetId: user.id });
      return view;
    },
  );

  app.post<{ Body: { link: string } }>(
    '/api/auth/link',
    {
      bodyLimit: SMALL_BODY,
      config: { permission: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a one-time link (first admin, invitation, reset); a password must be chosen next',
        body: { type: 'object', required: ['link'], additionalProperties: false, properties: { link: { type: 'string', maxLength: 200 } } },
      },
    },
    async (req, reply) => {
      const user = await redeemLoginLink(db, req.body.link.trim());
      if (!user) throw new Unauthenticated('This link was already used or has expired; ask an admin of your account for a new one');
      const view = await startSession(reply, user, true);
      await audit(db, { auth: { tenantId: user.tenantId, userId: user.id, name: user.email, email: user.email, role: user.role, via: 'session' }, ip: clientIp(req) }, { action: 'auth.login', targetType: 'user', targetId: user.id, details: { with: 'one-time link' } });
      return view;
    },
  );

  app.get(
    '/api/auth/session',
    { config: { permission: 'view', beforePassword: true }, schema: { tags: ['auth'], summary: 'Who is signed in: user, tenant, role, CSRF token' } },
    async (req) => {
      const a = req.auth;
      return sessionView({ id: a.userId, email: a.email, name: a.name, role: a.role, tenantId: a.tenantId }, a.csrfToken, a.mustSetPassword ?? false, a.via);
    },
  );

  app.post('/api/auth/logout', { config: { permission: 'view', beforePassword: true }, schema: { tags: ['auth'], summary: 'Sign out: ends this session' } }, async (req, reply) => {
    if (req.auth.sessionId) {
      await deleteSession(db, req.auth.sessionId);
      await audit(db, actorOf(req), { action: 'auth.logout', targetType: 'user', targetId: req.auth.userId });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.post<{ Body: { currentPassword?: string; newPassword: string } }>(
    '/api/auth/password',
    {
      bodyLimit: SMALL_BODY,
      config: { permission: 'view', beforePassword: true },
      schema: {
        tags: ['auth'],
        summary: 'Choose or change your password; other sessions of yours end',
        body: { type: 'object', required: ['newPassword'], additionalProperties: false, properties: { currentPassword: { type: 'string', maxLength: 200 }, newPassword: { type: 'string', maxLength: 200 } } },
      },
    },
    async (req, reply) => {
      const a = req.auth;
      if (a.via !== 'session') throw new Forbidden('Passwords are changed by the person, signed in, not with an API token');
      if (!a.mustSetPassword) {
        const keys = throttleKeys(a.email, clientIp(req));
        await refuseIfThrottled(db, keys);
        const user = await findUserByEmail(db, a.email);
        if (!(await verifyPassword(req.body.currentPassword ?? '', user?.passwordHash ?? null))) {
          await recordFailure(db, keys);
          throw new BadInput([{ field: 'currentPassword', message: 'The current password is wrong' }]);
        }
      }
      const problem = passwordProblem(req.body.newPassword, a.email);
      if (problem) throw new BadInput([{ field: 'newPassword', message: problem }]);
      await setPassword(db, a.userId, await hashPassword(req.body.newPassword), a.sessionId);
      await audit(db, actorOf(req), { action: 'auth.password_set', targetType: 'user', targetId: a.userId });
      return reply.code(204).send();
    },
  );
}
