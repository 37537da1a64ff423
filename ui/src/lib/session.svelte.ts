/**
 * Who is signed in. Loaded at boot from GET /api/auth/session; any 401 afterwards (the session
 * expired, or ended elsewhere) switches the app to the sign-in screen. The address is left alone,
 * so signing in again lands on the screen the person was on.
 */
import { api, ApiError, onUnauthenticated, setCsrfToken, type Role, type SessionInfo } from './api';

export type SessionStatus = 'loading' | 'signedOut' | 'signedIn';

export const session = $state<{
  status: SessionStatus;
  info: SessionInfo | null;
  /** Why the sign-in screen is shown, as a message key (a session that ended, a spent link); '' for none. */
  notice: string;
}>({ status: 'loading', info: null, notice: '' });

function signedIn(info: SessionInfo) {
  setCsrfToken(info.csrfToken);
  session.info = info;
  session.notice = '';
  session.status = 'signedIn';
}

export function signedOut(notice = '') {
  setCsrfToken(null);
  session.info = null;
  session.notice = notice;
  session.status = 'signedOut';
}

// Only a session that was working is "expired": a 401 while signing in says nothing new.
onUnauthenticated(() => {
  if (session.status === 'signedIn') signedOut('auth.expired');
});

export async function loadSession(): Promise<void> {
  try {
    signedIn(await api<SessionInfo>('GET', '/api/auth/session'));
  } catch (err) {
    signedOut(err instanceof ApiError && err.status === 401 ? '' : 'auth.unreachable');
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  signedIn(await api<SessionInfo>('POST', '/api/auth/login', { email, password }));
}

/** Redeems a one-time link: signed in, but a password must be chosen before anything else. */
export async function redeemLink(link: string): Promise<void> {
  signedIn(await api<SessionInfo>('POST', '/api/auth/link', { link }));
}

export async function signOut(): Promise<void> {
  try {
    await api('POST', '/api/auth/logout');
  } finally {
    // Signed out here whatever the server answered: the person asked to leave.
    signedOut('auth.signedOut');
  }
}

/** Chooses (after a link: no current password) or changes the password; this session stays open. */
export async function setPassword(newPassword: string, currentPassword?: string): Promise<void> {
  await api('POST', '/api/auth/password', currentPassword === undefined ? { newPassword } : { currentPassword, newPassword });
  if (session.info) session.info.mustSetPassword = false;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/**
 * Whether the signed-in person's role may do it: 'edit' (editors and admins: change connections,
 * flows, mappings…) or 'admin' (users, tokens, the account, the audit log). Viewers can read and
 * run; the server decides in the end, this only spares them buttons they cannot use.
 */
export function can(what: 'edit' | 'admin'): boolean {
  const role = session.info?.user.role;
  if (!role) return false;
  return RANK[role] >= RANK[what === 'admin' ? 'admin' : 'editor'];
}
