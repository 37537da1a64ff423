/**
 * Authentication and authorisation for every request, in one place:
 * - every route must declare `config.permission` (registration fails otherwise, so a new route
 *   cannot ship unguarded; test/security.test.ts exercises each one);
 * - a request carries an API token (`Authorization: Bearer`) or a session cookie;
 * - the principal's role must reach the route's permission, checked before the body is parsed;
 * - a session's changes carry its CSRF token in `x-csrf-token`; a websocket's Origin is its own.
 * Handlers read the tenant from `req.auth`, never from configuration.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/client';
import { Forbidden, Unauthenticated } from '../errors';
import { allows, type Permission, PERMISSIONS } from './roles';
import { type Principal, sessionPrincipal, tokenPrincipal } from './store';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; see server/auth/roles.ts. Required on every route. */
    permission?: Permission;
    /** Reachable by a person who signed in with a one-time link and has not set a password yet. */
    beforePassword?: boolean;
  }
  interface FastifyRequest {
    /** Set on every route except public ones. */
    auth: Principal;
  }
}

export const SESSION_COOKIE = 'ponte_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Routes served by plugins (static UI files, API docs) hold nothing of a tenant. */
const isPluginRoute = (url: string) => url === '/*' || url === '/docs' || url.startsWith('/docs/');

export interface GuardedRoute {
  method: string;
  url: string;
  permission: Permission;
  websocket: boolean;
}

const routeTables = new WeakMap<FastifyInstance, GuardedRoute[]>();

/** Every route of the app with its permission (API docs, and the test that tries each one). */
export function guardedRoutes(app: FastifyInstance): GuardedRoute[] {
  return routeTables.get(app) ?? [];
}

export function installAuth(app: FastifyInstance, db: Db) {
  app.decorateRequest('auth', undefined as unknown as Principal);
  const table: GuardedRoute[] = [];
  routeTables.set(app, table);

  app.addHook('onRoute', (route) => {
    if (isPluginRoute(route.url)) return;
    const permission = route.config?.permission;
    if (!permission || !PERMISSIONS.includes(permission))
      throw new Error(`Route ${String(route.method)} ${route.url} declares no permission (config.permission: ${PERMISSIONS.join(' | ')})`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url: route.url, permission, websocket: Boolean((route as { websocket?: boolean }).websocket) });
  });

  app.addHook('onRequest', async (req) => {
    const { permission, beforePassword } = req.routeOptions.config;
    if (!permission || permission === 'public') return;
    const auth = await authenticate(db, req);
    if (!auth) throw new Unauthenticated('Sign in, or send an API token as "Authorization: Bearer <token>"');
    if (auth.mustSetPassword && !beforePassword) throw new Forbidden('Choose a password first (you signed in with a one-time link)');
    if (!allows(auth.role, permission)) throw new Forbidden(`This needs the ${permission === 'admin' ? 'admin' : permission === 'edit' ? 'editor' : 'viewer'} role; you are ${auth.role}`);
    if (auth.via === 'session') {
      if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== auth.csrfToken) throw new Forbidden('The x-csrf-token header is missing or wrong; reload the page');
      // A page of another site cannot open our websocket with the person's cookie.
      if (req.headers.upgrade?.toLowerCase() === 'websocket' && !sameOrigin(req)) throw new Forbidden('Websocket from another origin');
    }
    req.auth = auth;
  });

  // A refused websocket upgrade gets its HTTP answer, then the socket is closed: left open, it
  // would pile up (and hold the server's shutdown).
  app.addHook('onResponse', async (req, reply) => {
    if (req.headers.upgrade && reply.statusCode !== 101 && !req.raw.socket.destroyed) req.raw.socket.destroy();
  });
}

async function authenticate(db: Db, req: FastifyRequest): Promise<Principal | null> {
  const header = req.headers.authorization;
  if (header) {
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) return null;
    return tokenPrincipal(db, token.trim());
  }
  const cookie = req.cookies?.[SESSION_COOKIE];
  return cookie ? sessionPrincipal(db, cookie) : null;
}

function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The client's address for throttling and the audit log (behind a proxy: see PONTE_TRUST_PROXY). */
export const clientIp = (req: FastifyRequest) => req.ip;

/** What `audit()` needs from a request. */
export const actorOf = (req: FastifyRequest) => ({ auth: req.auth, ip: req.ip });
