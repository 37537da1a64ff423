/**
 * Accessibility and layout of every screen, in Chromium against an in-process Ponte with the Bling
 * and Mercado Livre simulators and real runs: every visible control has a name a screen reader can
 * say (its label, aria-label, aria-labelledby, title or text), the keyboard reaches each screen's
 * main action (and works it where that changes nothing for the other screens), nothing pushes the
 * page sideways at 1280×800 nor on a tablet (820×1180), and numbers and dates read the Brazilian way.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../../connectors/mercadolivre/simulator';
import { claimCharge, recordCharge } from '../../server/payments/ledger';
import { storeSigned, updateDocument } from '../../server/fiscal/ledger';
import { closeAll, connectSimulators, hasChromium, openBrowser, serveUi, type UiBrowser } from '../support/browser';
import { mlOrdersToBling, runFlow } from '../support/fixtures';
import type { Harness } from '../support/harness';

const example = JSON.parse(readFileSync(fileURLToPath(new URL('../../examples/bling-to-mercadolivre.json', import.meta.url)), 'utf8'));
const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 820, height: 1180 };

/** The little of the DOM the in-page probes use (the tests compile without the DOM library). */
interface DomElement {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number; right: number };
  closest(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement> & ArrayLike<DomElement>;
  cloneNode(deep: boolean): unknown;
  remove(): void;
  outerHTML: string;
}

/**
 * The visible controls a screen reader could not name: no aria-labelledby, aria-label, label,
 * title nor (for buttons, links and the like) text with a letter or digit in it. A symbol alone
 * ("✕", "↻") is no name. Svelte Flow's blocks and links (role group) need an aria-label.
 */
function unnamedControls(page: Page): Promise<string[]> {
  return page.locator('html').evaluate((root) => {
    const document = root.ownerDocument;
    // `as never`: the same code type-checks with or without the DOM library (a dependency may pull it in).
    const getComputedStyle = (el: DomElement) => document.defaultView!.getComputedStyle(el as never);
    const controls = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="link"], [role="checkbox"], [role="radio"], [role="tab"], [role="switch"], [role="application"], [tabindex]:not([tabindex="-1"])';
    const meaningful = (s: string | null | undefined) => /[\p{L}\p{N}]/u.test(s ?? '');
    const labelText = (label: DomElement) => {
      const copy = label.cloneNode(true) as DomElement;
      for (const c of Array.from(copy.querySelectorAll('input, select, textarea'))) c.remove();
      return copy.textContent ?? '';
    };
    const visible = (el: DomElement) => {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && !el.closest('[aria-hidden="true"], [inert]');
    };
    const nameFromContent = (el: DomElement) => ['A', 'BUTTON', 'SUMMARY'].includes(el.tagName) || ['button', 'link', 'checkbox', 'radio', 'tab', 'switch'].includes(el.getAttribute('role') ?? '');
    const name = (el: DomElement) => {
      const candidates: Array<string | null | undefined> = [];
      const by = el.getAttribute('aria-labelledby');
      if (by) candidates.push(by.split(/\s+/).map((id: string) => document.getElementById(id)?.textContent ?? '').join(' '));
      candidates.push(el.getAttribute('aria-label'));
      const labels = (el as unknown as { labels?: ArrayLike<DomElement> | null }).labels;
      if (labels) for (const l of Array.from(labels)) candidates.push(labelText(l));
      if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.getAttribute('type') ?? '')) candidates.push(el.getAttribute('value'));
      candidates.push(el.getAttribute('title'));
      if (nameFromContent(el)) {
        candidates.push((el as unknown as { innerText?: string }).innerText ?? el.textContent);
        for (const img of Array.from(el.querySelectorAll('img[alt]'))) candidates.push(img.getAttribute('alt'));
      }
      return candidates.find(meaningful);
    };
    return Array.from(document.querySelectorAll(controls) as unknown as ArrayLike<DomElement>).filter(visible).filter((el) => !name(el)).map((el) => el.outerHTML.slice(0, 200));
  });
}

/** The elements sticking out of the window on the right (what makes the page scroll sideways), none inside a scroller. */
function overflowing(page: Page): Promise<{ scrollWidth: number; clientWidth: number; culprits: string[] }> {
  return page.locator('html').evaluate((root) => {
    const culprits = Array.from(root.ownerDocument.body.querySelectorAll('*'))
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      .filter((el) => !el.parentElement?.closest('.table-scroll, [data-testid="canvas"], pre'))
      .slice(0, 6)
      .map((el) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} right=${Math.round(el.getBoundingClientRect().right)}`);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits };
  });
}

describe.skipIf(!hasChromium)('browser UI: accessibility and layout (needs Chromium at /usr/bin/chromium)', () => {
  let h: Harness;
  let base: string;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let browser: UiBrowser;
  let page: Page;
  let blingId: string;
  let mlId: string;
  /** Bling → ML by mapping (conflicts), Bling → ML through a de-para with no entries (every record fails), ML orders → Bling held for confirmation. */
  let syncFlowId: string;
  let syncRunId: string;
  let deparaRunId: string;
  let conflictId: number;

  /** Presses Tab (or Shift+Tab) until `target` has the focus; how many presses it took. */
  async function tabTo(target: Locator, { back = false, max = 90, on = page } = {}): Promise<number> {
    for (let i = 1; i <= max; i++) {
      await on.keyboard.press(back ? 'Shift+Tab' : 'Tab');
      if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return i;
    }
    throw new Error(`${max} presses of ${back ? 'Shift+Tab' : 'Tab'} never reached ${target}`);
  }
  /** The focused control shows where the keyboard is. */
  const ringed = (target: Locator) =>
    target.evaluate((el) => {
      const style = el.ownerDocument.defaultView!.getComputedStyle(el);
      return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    });

  async function flowFrom(name: string, change: (node: any) => void) {
    const document = structuredClone(example.document);
    for (const node of document.nodes) {
      if (node.params.connectionId === 'demo-bling') node.params.connectionId = blingId;
      if (node.params.connectionId === 'demo-mercadolivre') Object.assign(node.params, { connectionId: mlId, matchBy: 'binding' });
      change(node);
    }
    const flow = await h.api('POST', '/api/flows', { name, document });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    expect((await h.api('POST', `/api/flows/${flow.body.id}/publish`)).status).toBe(201);
    return flow.body.id as string;
  }

  beforeAll(async () => {
    ({ h, base } = await serveUi());
    ({ bling, ml, blingId, mlId } = await connectSimulators(h));
    bling.seedProducts(3);

    syncFlowId = await flowFrom('Catálogo Bling → ML', () => {});
    const deparaFlowId = await flowFrom('Catálogo com condição por de-para', (node) => node.type === 'map' && Object.assign(node.params.fields, { condition: "$depara('condition', unidade)" }));
    expect((await h.api('POST', `/api/connections/${mlId}/value-maps`, { name: 'condition', label: 'Condição do anúncio' })).status).toBe(201);
    const orders = await h.api('POST', '/api/flows', { name: 'Pedidos ML → Bling', document: mlOrdersToBling(mlId, blingId, { trigger: 'manual', approve: { when: 'true', summary: '"Pedido " & numeroLoja' } }) });
    expect(orders.status, JSON.stringify(orders.body)).toBe(201);
    expect((await h.api('POST', `/api/flows/${orders.body.id}/publish`)).status).toBe(201);
    ml.seedOrders(2, { status: 'paid' });

    const [synced, failing, held] = await Promise.all([runFlow(h, syncFlowId), runFlow(h, deparaFlowId), runFlow(h, orders.body.id)]);
    expect(synced.counters).toMatchObject({ created: 3, failed: 0 });
    expect(failing.counters).toMatchObject({ failed: 3 });
    expect(held).toMatchObject({ status: 'waiting', approvals: { pending: 2 } });
    syncRunId = synced.id;
    deparaRunId = failing.id;

    // A conflict: the product changed in Bling and its listing on Mercado Livre since the last sync.
    const [first] = bling.products.keys();
    bling.updateProduct(first, { nome: 'Camiseta nova no Bling' });
    Object.assign(ml.itemsBySku(bling.products.get(first)!.codigo)[0], { title: 'Camiseta editada no ML' });
    expect((await runFlow(h, syncFlowId)).counters).toMatchObject({ conflict: 1 });
    conflictId = (await h.api('GET', `/api/bindings?connectionId=${mlId}&status=conflict`)).body.bindings[0].id;

    // A Pix charge waiting for payment, as a charge block would have left it.
    const charge = await claimCharge(h.database.db, { tenantId: 'default', flowId: syncFlowId, nodeId: 'charge', recordKey: '1001', sourceConnectionId: blingId, runId: syncRunId }, { connectionId: null, kind: 'pix', amount: '59.90' });
    await recordCharge(h.database.db, charge.row.id, { status: 'pending', details: { pixCopiaECola: '00020101021226850014br.gov.bcb.pix0136a629532e-7693-4846-852d-1bbff817b5a8520400005303986540559.905802BR6304ABCD' } });

    // An invoice SEFAZ rejected, as an emit-nf block would have left it (the screen reads no XML).
    const invoice = await storeSigned(h.database.db, {
      tenantId: 'default', status: 'signed', connectionId: 'sefaz', flowId: syncFlowId, nodeId: 'nota', recordKey: '1001', issuerCnpj: '58716523000119',
      model: 55, environment: 2, series: 1, number: 7, accessKey: '35261158716523000119550010000000071204816320', xml: '<NFe/>', total: '59.90', runId: syncRunId,
    });
    await updateDocument(h.database.db, invoice.row.id, { status: 'rejected', cStat: '778', reason: 'Rejeição: Informado NCM inexistente' });

    // Figures big enough to need a thousands separator, and a duration with a fraction.
    await h.database.db.execute(sql`update runs set created = 1500, finished_at = started_at + interval '1534 milliseconds' where id = ${syncRunId}`);

    browser = await openBrowser(base, h.admin);
    page = browser.page;
  });

  afterAll(() => closeAll(browser, h, bling, ml));

  interface Screen {
    name: string;
    hash: () => string;
    /** Shown once the screen has its data. */
    ready: () => Locator;
    /** Reaches the main action by keyboard (and works it where harmless). */
    keyboard: () => Promise<void>;
  }

  /** Tab reaches it, and it shows the focus. */
  async function reach(target: Locator, options?: { back?: boolean }) {
    await tabTo(target, options);
    expect(await ringed(target), 'a focus ring').toBe(true);
  }

  const screens: Screen[] = [
    {
      name: 'hub',
      hash: () => '#/',
      ready: () => page.getByTestId('hub-connections'),
      async keyboard() {
        // The first Tab offers to skip the menu; past it, Tab goes straight into the page.
        await page.keyboard.press('Tab');
        const skip = page.getByTestId('skip-to-main');
        expect(await skip.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
        expect(await ringed(skip)).toBe(true);
        await page.keyboard.press('Enter');
        const first = page.getByTestId('hub-connections').locator('a').first();
        expect(await tabTo(first)).toBeLessThanOrEqual(2);
        await page.keyboard.press('Enter');
        await page.waitForURL(/#\/connections\/[^/]+$/);
      },
    },
    {
      name: 'connections',
      hash: () => '#/connections',
      ready: () => page.getByTestId('connections-table'),
      async keyboard() {
        await reach(page.getByTestId('new-connection'));
        await page.keyboard.press('Enter');
        await page.waitForURL(/#\/connections\/new$/);
      },
    },
    {
      name: 'connection',
      hash: () => `#/connections/${blingId}`,
      ready: () => page.getByTestId('webhook-url'),
      async keyboard() {
        await reach(page.getByTestId('test-connection'));
        await page.keyboard.press('Enter');
        await expect.poll(() => page.getByTestId('diagnosis').textContent()).toContain('A conexão funciona');
      },
    },
    {
      name: 'flows',
      hash: () => '#/flows',
      ready: () => page.getByTestId('flows-table'),
      async keyboard() {
        await reach(page.getByTestId('new-flow'));
        await reach(page.getByTestId('export-flow').first());
      },
    },
    {
      name: 'editor',
      hash: () => `#/flows/${syncFlowId}`,
      ready: () => page.getByTestId('node-to-listing'),
      async keyboard() {
        await reach(page.getByTestId('run-flow'));
        await reach(page.getByTestId('palette-map'));
        // A block on the canvas: Tab reaches it, Enter selects it and opens its settings.
        await tabTo(page.locator('.svelte-flow__node[data-id="to-listing"]'));
        await page.keyboard.press('Enter');
        await expect.poll(() => page.getByTestId('node-panel').locator('h3').textContent()).toBe('Mapear campos');
        await reach(page.getByTestId('node-panel').locator('[data-kv="value"]').first());
        // No block selected: the flow's alerts, one added by keyboard, its fields named.
        await page.keyboard.press('Escape');
        await page.locator('.svelte-flow__pane').click({ position: { x: 5, y: 5 } });
        await reach(page.getByTestId('alert-add'));
        await page.keyboard.press('Enter');
        const recipient = page.getByTestId('alert-to');
        await recipient.waitFor();
        expect(await recipient.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
        expect(await unnamedControls(page), 'controls without a name (alerts)').toEqual([]);
        await reach(page.getByTestId('alert-on-partial'));
        await reach(page.getByTestId('alert-remove'));
      },
    },
    {
      name: 'runs',
      hash: () => '#/runs',
      ready: () => page.getByTestId('runs-table'),
      async keyboard() {
        const pick = page.getByTestId('run-select').first();
        await reach(pick);
        await page.keyboard.press('Space');
        await expect.poll(() => page.getByTestId('runs-selected').textContent()).toBe('1 execução(ões) selecionada(s)');
        await reach(page.getByTestId('bulk-reprocess'), { back: true });
      },
    },
    {
      name: 'run',
      hash: () => `#/runs/${deparaRunId}`,
      ready: () => page.getByTestId('run-records'),
      async keyboard() {
        await reach(page.getByTestId('act-reprocess'));
        await reach(page.getByTestId('add-to-depara').first());
      },
    },
    {
      name: 'mappings',
      hash: () => '#/mappings',
      ready: () => page.getByTestId('bindings-table'),
      async keyboard() {
        await reach(page.getByTestId('filter-status'));
        await reach(page.getByTestId('open-conflict'));
      },
    },
    {
      name: 'conflict',
      hash: () => `#/mappings/${conflictId}`,
      ready: () => page.getByTestId('conflict-table'),
      async keyboard() {
        await reach(page.getByTestId('pick-title-source'));
        await reach(page.getByTestId('resolve-source'));
      },
    },
    {
      name: 'value-maps',
      hash: () => `#/value-maps?connection=${encodeURIComponent(mlId)}`,
      ready: () => page.getByTestId('vm-maps'),
      async keyboard() {
        // A map opens from its name, a button.
        const open = page.getByTestId('vm-maps').locator('tr[data-map="condition"] button');
        await reach(open);
        await page.keyboard.press('Enter');
        await expect.poll(() => page.getByTestId('vm-editor').getAttribute('data-map')).toBe('condition');
        await reach(page.getByTestId('vm-editor').locator('input[name="vm-new-from"]'));
      },
    },
    {
      name: 'users',
      hash: () => '#/users',
      ready: () => page.getByTestId('users-table'),
      async keyboard() {
        await reach(page.getByTestId('invite-email'));
        await reach(page.getByTestId('user-role').first());
        await reach(page.getByTestId('user-link').first());
      },
    },
    {
      name: 'tokens',
      hash: () => '#/tokens',
      ready: () => page.getByTestId('tokens-table'),
      async keyboard() {
        await reach(page.getByTestId('token-name'));
        // "Criar token" waits for a name (a disabled button is not in the Tab order).
        await page.keyboard.type('Relatórios');
        await reach(page.getByTestId('token-create'));
        await reach(page.getByTestId('token-revoke').first());
      },
    },
    {
      name: 'audit',
      hash: () => '#/audit',
      ready: () => page.getByTestId('audit-table'),
      async keyboard() {
        await reach(page.getByTestId('audit-action'));
        await reach(page.getByTestId('audit-to'));
      },
    },
    {
      name: 'password',
      hash: () => '#/password',
      ready: () => page.getByTestId('password-form'),
      async keyboard() {
        await reach(page.getByTestId('password-current'));
        // The user menu, back up in the header: it opens with Enter, its entries named and reachable.
        await reach(page.getByTestId('user-menu-button'), { back: true });
        await page.keyboard.press('Enter');
        expect(await page.getByTestId('user-menu').getAttribute('open')).not.toBeNull();
        expect(await unnamedControls(page), 'controls without a name (user menu)').toEqual([]);
        await reach(page.getByTestId('change-password-link'));
        await reach(page.getByTestId('sign-out'));
        await page.keyboard.press('Escape');
        expect(await page.getByTestId('user-menu').getAttribute('open')).toBeNull();
      },
    },
    {
      name: 'charges',
      hash: () => '#/charges',
      ready: () => page.getByTestId('charges-table'),
      async keyboard() {
        await reach(page.getByTestId('charges-filter-status'));
        const details = page.getByTestId('charge-toggle').first();
        await reach(details);
        await page.keyboard.press('Enter');
        expect(await details.getAttribute('aria-expanded')).toBe('true');
        expect(await unnamedControls(page), 'controls without a name (charge details)').toEqual([]);
        await reach(page.getByTestId('charge-copy-paste-copy'));
        // The tabs: one Tab stop, the arrow keys switch.
        await reach(page.getByTestId('tab-charges'), { back: true });
        await page.keyboard.press('ArrowRight');
        await page.getByTestId('settlements-empty').waitFor();
        expect(await page.getByTestId('tab-settlements').getAttribute('aria-selected')).toBe('true');
      },
    },
    {
      name: 'invoices',
      hash: () => '#/invoices',
      ready: () => page.getByTestId('invoices-table'),
      async keyboard() {
        await reach(page.getByTestId('invoices-filter-status'));
        const details = page.getByTestId('invoice-toggle').first();
        await reach(details);
        await page.keyboard.press('Enter');
        expect(await details.getAttribute('aria-expanded')).toBe('true');
        expect(await unnamedControls(page), 'controls without a name (invoice details)').toEqual([]);
        await reach(page.getByTestId('invoice-key-copy'));
        await reach(page.getByTestId('invoice-xml'));
      },
    },
    {
      name: 'approvals',
      hash: () => '#/approvals',
      ready: () => page.getByTestId('approvals-table'),
      async keyboard() {
        // Tick a record, back up to "Confirmar": all by keyboard.
        await reach(page.getByTestId('appr-select').first());
        await page.keyboard.press('Space');
        const approve = page.getByTestId('appr-approve');
        await expect.poll(() => approve.isEnabled()).toBe(true);
        await reach(approve, { back: true });
        await page.keyboard.press('Enter');
        await expect.poll(() => page.getByTestId('appr-decided').textContent()).toContain('1');
      },
    },
  ];

  for (const screen of screens) {
    it(`${screen.name}: named controls, the main action by keyboard, no sideways scroll at 1280 px and on a tablet`, async () => {
      await page.setViewportSize(DESKTOP);
      await browser.visit(screen.hash());
      await screen.ready().waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('pt-BR');
      expect(await unnamedControls(page), 'controls without a name').toEqual([]);
      expect(await overflowing(page)).toMatchObject({ culprits: [] });
      await browser.shot(`a11y-${screen.name}-1280`);

      await screen.keyboard();
      // A tablet opening the screen.
      await page.setViewportSize(TABLET);
      await browser.visit(screen.hash());
      await screen.ready().waitFor();
      await expect.poll(async () => (await overflowing(page)).culprits).toEqual([]);
      const { scrollWidth, clientWidth } = await overflowing(page);
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth + 1);
      expect(await unnamedControls(page), 'controls without a name (tablet)').toEqual([]);
      await browser.shot(`a11y-${screen.name}-820`);
    });
  }

  it('sign-in: named fields, sent by keyboard alone, no sideways scroll at 1280 px and on a tablet', async () => {
    const guest = await openBrowser(base);
    try {
      const gp = guest.page;
      for (const size of [DESKTOP, TABLET]) {
        await gp.setViewportSize(size);
        await guest.visit('#/');
        await gp.getByTestId('login-form').waitFor();
        expect(await gp.locator('html').getAttribute('lang')).toBe('pt-BR');
        expect(await unnamedControls(gp), 'controls without a name').toEqual([]);
        expect(await overflowing(gp)).toMatchObject({ culprits: [] });
        await guest.shot(`a11y-login-${size.width}`);
      }
      const email = gp.getByTestId('login-email');
      await tabTo(email, { on: gp });
      expect(await ringed(email)).toBe(true);
      await gp.keyboard.type(h.admin.email);
      await tabTo(gp.getByTestId('login-password'), { on: gp, max: 1 });
      await gp.keyboard.type(h.admin.password);
      await gp.keyboard.press('Enter');
      await gp.getByTestId('hub-connections').waitFor();
      expect(guest.pageErrors).toEqual([]);
    } finally {
      await guest.close();
    }
  });

  it('writes numbers and dates the Brazilian way on the hub and a run', async () => {
    await page.setViewportSize(DESKTOP);
    const run = (await h.api('GET', `/api/runs/${syncRunId}`)).body;
    await browser.visit(`#/runs/${syncRunId}`);
    await expect.poll(() => page.locator('[data-counter="created"] b').textContent()).toBe('1.500');
    expect(await page.getByTestId('run-duration').textContent()).toBe('1,5 s');
    const started = new Date(run.startedAt);
    const day = `${String(started.getDate()).padStart(2, '0')}/${String(started.getMonth() + 1).padStart(2, '0')}/${started.getFullYear()}`;
    expect(await page.locator('dl.meta').textContent()).toContain(day);

    await browser.visit('#/');
    // 1500 + the 3 created and the conflict run's writes: above a thousand, with a dot between the thousands.
    await expect.poll(() => page.getByTestId('stat-records').textContent()).toMatch(/^1\.5\d\d$/);
    expect(await page.getByTestId('hub-stats').textContent()).toMatch(/\d{2}\/\d{2}\/\d{4},? \d{2}:\d{2}/);
    expect(browser.pageErrors).toEqual([]);
  });
});
