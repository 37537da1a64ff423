/**
 * Accounts in the browser UI, in Chromium against an in-process Ponte: signing in (and the
 * refusals a person sees), an invitation redeemed in a second browser that must choose a password
 * and lands as an editor without the admin screens, an API token whose secret is shown once and
 * stops working when revoked, the audit log of all that, and signing out. Every browser here
 * starts signed out and signs in through the UI, as a person would.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, countSettled, hasChromium, openBrowser, serveUi, type UiBrowser } from '../support/browser';
import type { Harness } from '../support/harness';

describe.skipIf(!hasChromium)('browser UI: sign-in, users, API tokens and audit (needs Chromium at /usr/bin/chromium)', () => {
  let h: Harness;
  let base: string;
  let browser: UiBrowser;
  let page: Page;
  /** Browsers of the other people; closed before the admin's. */
  const others: UiBrowser[] = [];
  const EDITOR = { email: 'edna.editora@loja.test', name: 'Edna', password: 'uma frase longa de verdade' };
  /** The token made in the UI: its id and secret. */
  let token: { id: string; secret: string };

  beforeAll(async () => {
    ({ h, base } = await serveUi());
    browser = await openBrowser(base);
    page = browser.page;
    // "Copiar" writes to the clipboard; the test reads it back.
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  });

  afterAll(() => closeAll(...others, browser, h));

  const loginForm = (p: Page) => p.getByTestId('login-form');
  /** Fills and sends the sign-in form; the status the server answered. */
  async function signInThroughForm(p: Page, email: string, password: string): Promise<number> {
    await p.getByTestId('login-email').fill(email);
    await p.getByTestId('login-password').fill(password);
    const [res] = await Promise.all([p.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/login'), p.getByTestId('login-submit').click()]);
    return res.status();
  }
  /** Calls the API with a bearer token, as a script would (outside any browser). */
  const withToken = (secret: string, path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${secret}` } });

  it('shows the sign-in form to a person signed out, refuses a wrong password with the reason, and reaches the hub with the right one', async () => {
    await browser.visit('#/');
    await loginForm(page).waitFor();
    expect(await page.locator('h1').textContent()).toBe('Entrar');
    // Nothing of the app is offered, and the API agrees this browser is nobody.
    expect(await page.locator('header nav').count()).toBe(0);
    expect((await browser.request('GET', '/api/auth/session')).status).toBe(401);
    await browser.shot('security-01-login');

    expect(await signInThroughForm(page, h.admin.email, 'not-the-password')).toBe(401);
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('E-mail ou senha incorretos.');
    expect(await page.getByTestId('login-password').inputValue()).toBe('');
    await browser.shot('security-02-login-refused');

    await signInThroughForm(page, h.admin.email, h.admin.password);
    await page.getByTestId('hub-stats').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Painel');
    // The header says who is signed in, with which role, in which account.
    expect(await page.getByTestId('user-who').textContent()).toBe(h.admin.email);
    expect(await page.getByTestId('header-role').textContent()).toBe('Administrador');
    expect(await page.getByTestId('tenant-name').textContent()).toBe('Default');
    expect(await page.locator('header nav').textContent()).toContain('Auditoria');
    expect((await browser.request('GET', '/api/auth/session')).body).toMatchObject({ user: { email: h.admin.email, role: 'admin' }, mustSetPassword: false });
  });

  it('says how long to wait after too many wrong passwords (429)', async () => {
    const other = await openBrowser(base);
    others.push(other);
    await other.visit('#/');
    await loginForm(other.page).waitFor();
    // An account takes 5 failures in 15 minutes; the next attempt is refused before any check.
    for (let i = 1; i <= 5; i++) {
      expect(await signInThroughForm(other.page, 'ninguem@loja.test', `chute-${i}`)).toBe(401);
      await expect.poll(() => other.page.getByTestId('login-error').textContent()).toBe('E-mail ou senha incorretos.');
    }
    expect(await signInThroughForm(other.page, 'ninguem@loja.test', 'chute-6')).toBe(429);
    await expect.poll(() => other.page.getByTestId('login-error').textContent()).toMatch(/^Muitas tentativas seguidas\. Espere 1[45] min e tente de novo\.$/);
    await other.shot('security-03-login-throttled');
  });

  it('invites an editor on "Usuários"; the link opens "Escolha sua senha" in another browser, which then lands as an editor without the admin screens', async () => {
    await page.locator('header nav a[href="#/users"]').click();
    await page.getByTestId('users-table').waitFor();
    expect(await page.getByTestId('users-table').locator(`tr[data-email="${h.admin.email}"]`).textContent()).toContain('você');

    await page.getByTestId('invite-email').fill(EDITOR.email);
    await page.getByTestId('invite-name').fill(EDITOR.name);
    await page.getByTestId('invite-role').selectOption('editor');
    await page.getByTestId('invite-submit').click();
    const issued = page.getByTestId('issued-link');
    await expect.poll(() => issued.textContent()).toContain(`${EDITOR.email} foi convidado(a)`);
    const link = await page.getByTestId('login-link').inputValue();
    expect(link).toMatch(/^http:\/\/ponte\.test\/#\/entrar\?link=.+/);
    await page.getByTestId('login-link-copy').click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(link);
    const row = page.getByTestId('users-table').locator(`tr[data-email="${EDITOR.email}"]`);
    await expect.poll(() => row.getAttribute('data-status')).toBe('pending');
    expect(await row.getByTestId('user-status').textContent()).toBe('Aguardando senha');
    expect(await row.getByTestId('user-role').inputValue()).toBe('editor');
    await browser.shot('security-04-invited');

    // The person opens the link (the harness's public address stands for this server's).
    const editor = await openBrowser(base);
    others.push(editor);
    const ep = editor.page;
    await editor.visit(link.slice(link.indexOf('#')));
    const form = ep.getByTestId('password-form');
    await form.waitFor();
    expect(await form.getAttribute('data-mode')).toBe('choose');
    expect(await ep.locator('h1').textContent()).toBe('Escolha sua senha');
    // The spent secret leaves the address; only the password form is offered.
    expect(ep.url()).not.toContain('link=');
    expect(await ep.locator('header nav').count()).toBe(0);
    expect((await editor.request('GET', '/api/flows')).status).toBe(403);

    // Too short: the server's rule, shown under the field.
    await ep.getByTestId('password-new').fill('curta');
    await ep.getByTestId('password-confirm').fill('curta');
    await ep.getByTestId('password-save').click();
    await expect.poll(() => ep.getByTestId('password-new-error').textContent()).toContain('10 characters');
    expect(await form.isVisible()).toBe(true);
    await editor.shot('security-05-password-too-short');
    // The two copies must match, before anything is sent.
    await ep.getByTestId('password-new').fill(EDITOR.password);
    await ep.getByTestId('password-confirm').fill(`${EDITOR.password}!`);
    await ep.getByTestId('password-save').click();
    await expect.poll(() => ep.getByTestId('password-confirm-error').textContent()).toBe('As duas senhas não são iguais.');

    await ep.getByTestId('password-confirm').fill(EDITOR.password);
    await ep.getByTestId('password-save').click();
    await ep.getByTestId('hub-stats').waitFor();
    expect(await ep.getByTestId('user-who').textContent()).toBe(EDITOR.name);
    expect(await ep.getByTestId('header-role').textContent()).toBe('Editor');
    const nav = await ep.locator('header nav').textContent();
    expect(nav).toContain('Fluxos');
    for (const admin of ['Usuários', 'Tokens de API', 'Auditoria']) expect(nav).not.toContain(admin);
    await editor.shot('security-06-editor-hub');
    // Typed in by hand, an admin screen says it is not for this role, and the API refuses.
    await editor.visit('#/users');
    await expect.poll(() => ep.getByTestId('admin-only').textContent()).toContain('só para administradores');
    expect((await editor.request('GET', '/api/users')).status).toBe(403);
    // An editor may make flows.
    await editor.visit('#/flows');
    await ep.getByTestId('new-flow').waitFor();

    // The link was good once: opened again, it is refused with the reason.
    const late = await openBrowser(base);
    others.push(late);
    await late.visit(link.slice(link.indexOf('#')));
    await expect.poll(() => late.page.getByTestId('login-error').textContent()).toContain('já foi usado ou expirou');
    expect(late.page.url()).not.toContain('link=');

    // The admin makes the editor a viewer: the person's buttons to change things go.
    await browser.visit('#/users');
    const select = page.getByTestId('users-table').locator(`tr[data-email="${EDITOR.email}"]`).getByTestId('user-role');
    await select.selectOption('viewer');
    await expect.poll(() => page.getByTestId('users-message').textContent()).toBe(`${EDITOR.email} agora é Visualizador.`);
    await editor.visit('#/flows');
    await ep.locator('h1', { hasText: 'Fluxos' }).waitFor();
    expect(await ep.getByTestId('header-role').textContent()).toBe('Visualizador');
    expect(await ep.getByTestId('new-flow').count()).toBe(0);
    expect(await ep.getByTestId('import-flow').count()).toBe(0);
  });

  it('refuses to demote the last admin, with the server\'s reason', async () => {
    await browser.visit('#/users');
    const mine = page.getByTestId('users-table').locator(`tr[data-email="${h.admin.email}"]`).getByTestId('user-role');
    await mine.selectOption('editor');
    await expect.poll(() => page.getByTestId('users-message').textContent()).toContain('last active admin');
    // The choice goes back to what the server kept.
    await expect.poll(() => mine.inputValue()).toBe('admin');
    expect((await h.api('GET', '/api/users')).body.users.find((u: any) => u.email === h.admin.email).role).toBe('admin');
  });

  it('renames the account from "Usuários": the header shows the new name', async () => {
    await browser.visit('#/users');
    await page.getByTestId('tenant-name-input').fill('Loja da Ana');
    await page.getByTestId('tenant-save').click();
    await expect.poll(() => page.getByTestId('tenant-message').textContent()).toBe('Nome da conta salvo.');
    expect(await page.getByTestId('tenant-name').textContent()).toBe('Loja da Ana');
    expect((await h.api('GET', '/api/tenant')).body.name).toBe('Loja da Ana');
  });

  it('creates an API token whose secret is shown once and works; revoked in the UI, the same call answers 401', async () => {
    await page.locator('header nav a[href="#/tokens"]').click();
    await page.getByTestId('tokens-table').waitFor();
    await page.getByTestId('token-name').fill('Integração do ERP');
    await page.getByTestId('token-role').selectOption('viewer');
    await page.getByTestId('token-days').fill('30');
    await page.getByTestId('token-create').click();
    const created = page.getByTestId('token-created');
    await expect.poll(() => created.textContent()).toContain('não será mostrado de novo');
    token = { id: (await created.getAttribute('data-token-id'))!, secret: await page.getByTestId('token-secret').inputValue() };
    expect(token.secret).toMatch(/^ptk_/);
    await page.getByTestId('token-secret-copy').click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token.secret);

    const row = page.getByTestId('tokens-table').locator(`tr[data-token="${token.id}"]`);
    await expect.poll(() => row.getAttribute('data-state')).toBe('active');
    const text = await row.textContent();
    expect(text).toContain(`${token.secret.slice(0, 8)}…`);
    expect(text).toContain('Visualizador');
    expect(text).toContain(h.admin.email);
    expect(text).not.toContain('Não expira');
    await browser.shot('security-07-token-created');

    const flows = await withToken(token.secret, '/api/flows');
    expect(flows.status).toBe(200);
    // The role of the token, not of its maker: a viewer token cannot change things.
    expect((await fetch(`${base}/api/flows`, { method: 'POST', headers: { authorization: `Bearer ${token.secret}`, 'content-type': 'application/json' }, body: '{}' })).status).toBe(403);

    // Shown once: the list, opened again, never holds the secret.
    await browser.visit('#/tokens');
    await page.getByTestId('tokens-table').waitFor();
    expect(await page.getByTestId('token-created').count()).toBe(0);
    expect(await page.content()).not.toContain(token.secret);

    const dialogs: string[] = [];
    page.once('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await page.getByTestId('tokens-table').locator(`tr[data-token="${token.id}"]`).getByTestId('token-revoke').click();
    await expect.poll(() => page.getByTestId('tokens-table').locator(`tr[data-token="${token.id}"]`).getAttribute('data-state')).toBe('revoked');
    expect(dialogs[0]).toContain('Revogar o token "Integração do ERP"');
    expect(await page.getByTestId('tokens-message').textContent()).toBe('Token "Integração do ERP" revogado.');
    expect(await page.getByTestId('tokens-table').locator(`tr[data-token="${token.id}"]`).getByTestId('token-revoke').count()).toBe(0);
    expect((await withToken(token.secret, '/api/flows')).status).toBe(401);
    await browser.shot('security-08-token-revoked');
  });

  it('lists those actions in "Auditoria" with the admin\'s e-mail, filters them by action and day, and pages with "Carregar mais"', async () => {
    await page.locator('header nav a[href="#/audit"]').click();
    const table = page.getByTestId('audit-table');
    await table.waitFor();
    const rowOf = (action: string) => table.locator(`tr[data-action="${action}"]`).first();
    for (const [action, label] of [['user.create', 'Convidou usuário'], ['token.create', 'Criou token de API'], ['token.revoke', 'Revogou token de API'], ['user.update', 'Alterou usuário'], ['tenant.update', 'Alterou a conta']]) {
      expect(await rowOf(action).getByTestId('audit-label').textContent()).toContain(label);
      expect(await rowOf(action).getByTestId('audit-who').textContent()).toContain(h.admin.email);
    }
    expect(await rowOf('user.create').textContent()).toContain(EDITOR.email);
    expect(await rowOf('token.create').textContent()).toContain('Integração do ERP');
    expect(await rowOf('token.revoke').textContent()).toContain(token.id);
    // The editor's own doings carry the editor's e-mail; a refused sign-in names what was typed.
    expect(await rowOf('auth.password_set').getByTestId('audit-who').textContent()).toContain(EDITOR.email);
    expect(await rowOf('auth.login_failed').getByTestId('audit-label').textContent()).toContain('Tentativa de entrada recusada');
    await browser.shot('security-09-audit');

    const rows = table.locator('tbody tr');
    await page.getByTestId('audit-action').selectOption('token.create');
    expect(await countSettled(page.getByTestId('audit'), rows)).toBe(1);
    expect(await rows.first().getAttribute('data-action')).toBe('token.create');
    // A day range after today holds nothing; today holds it.
    const day = (offset: number) => {
      const d = new Date();
      d.setDate(d.getDate() + offset);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    await page.getByTestId('audit-from').fill(day(1));
    await expect.poll(() => page.getByTestId('audit-empty').isVisible()).toBe(true);
    await page.getByTestId('audit-from').fill(day(0));
    await page.getByTestId('audit-to').fill(day(0));
    expect(await countSettled(page.getByTestId('audit'), rows)).toBe(1);

    // More than a page (50): the first page, then the rest after "Carregar mais", nothing twice.
    for (let i = 1; i <= 55; i++) expect((await h.api('PATCH', '/api/tenant', { name: `Loja ${i}` })).status).toBe(200);
    await browser.visit('#/audit');
    await table.waitFor();
    expect(await countSettled(page.getByTestId('audit'), rows)).toBe(50);
    const total = (await h.api('GET', '/api/audit?limit=500')).body.entries.length;
    expect(total).toBeGreaterThan(60);
    await page.getByTestId('audit-more').click();
    await expect.poll(() => rows.count()).toBe(Math.min(total, 100));
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-entry')));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => b - a));
  });

  it('"Sair" returns to the sign-in form and the API then answers 401 for that browser; signing in again keeps the screen asked for', async () => {
    await browser.visit('#/tokens');
    await page.getByTestId('tokens-table').waitFor();
    await page.getByTestId('user-menu-button').click();
    await page.getByTestId('sign-out').click();
    await loginForm(page).waitFor();
    expect(await page.getByTestId('login-notice').textContent()).toBe('Você saiu do Ponte.');
    expect((await browser.request('GET', '/api/auth/session')).status).toBe(401);
    expect((await browser.request('GET', '/api/flows')).status).toBe(401);
    await browser.shot('security-10-signed-out');

    // The address stayed: signing in lands back on "Tokens de API".
    expect(page.url()).toContain('#/tokens');
    await signInThroughForm(page, h.admin.email, h.admin.password);
    await page.getByTestId('tokens-table').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Tokens de API');
  });

  it('goes to the sign-in form when the session ends elsewhere, and comes back to the same screen', async () => {
    await browser.visit('#/audit');
    await page.getByTestId('audit-table').waitFor();
    // The session ends behind the page's back (as when it expires).
    const { csrfToken } = (await browser.request('GET', '/api/auth/session')).body;
    expect((await browser.request('POST', '/api/auth/logout', undefined, { 'x-csrf-token': csrfToken })).status).toBe(204);

    await page.getByTestId('audit-action').selectOption('auth.logout');
    await loginForm(page).waitFor();
    expect(await page.getByTestId('login-notice').textContent()).toContain('Sua sessão terminou');
    expect(page.url()).toContain('#/audit');
    await signInThroughForm(page, h.admin.email, h.admin.password);
    await page.getByTestId('audit-table').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Auditoria');
    expect(browser.pageErrors).toEqual([]);
    for (const other of others) expect(other.pageErrors).toEqual([]);
  });
});
