/**
 * Bling ERP, API v3. Source of products in the Foundation flow; the connectors issue adds
 * orders, stock writes, OAuth refresh and webhooks.
 */
import { collectBatch, nextPageNumberUntilEmpty } from '../http/pagination';
import { defineConnector, oauth2Credentials, type SyncRecord } from '../types';

/** Bling caps `limite` at 100. */
const PAGE_LIMIT = 100;

interface BlingListItem {
  id: number;
  nome: string;
  codigo: string;
  [field: string]: unknown;
}

export const bling = defineConnector({
  id: 'bling',
  name: 'Bling',
  description: 'ERP Bling (API v3): produtos, estoque, pedidos de venda, contatos, NF-e.',
  defaultBaseUrl: 'https://api.bling.com.br/Api/v3',
  credentialSchema: oauth2Credentials(),
  // Bling: the token endpoint takes the app's credentials as HTTP Basic; state is mandatory.
  oauth2: { authorizeUrl: 'https://www.bling.com.br/Api/v3/oauth/authorize', tokenPath: '/oauth/token', clientAuth: 'basic', sendsRedirectUri: false },
  // Bling: 3 requests per second and 120,000 per day per account, counted in fixed one-second
  // windows; Bling advises at least 350 ms between calls, so no bursts.
  rateLimit: { requestsPerSecond: 2.85, burst: 1 },
  authHeaders: (credentials) => ({ authorization: `Bearer ${credentials.accessToken}` }),
  http: {
    describeError(body) {
      const e = (body as { error?: { type?: string; message?: string; description?: string } } | undefined)?.error;
      return e ? [e.type, e.description ?? e.message].filter(Boolean).join(': ') : undefined;
    },
    // Bling sends no Retry-After; its window is one second.
    defaultRetryAfterMs: 1000,
  },
  entities: {
    products: {
      read: {
        async read(ctx, req) {
          const start = req.cursor ? Number(req.cursor) : 1;
          const batch = await collectBatch<SyncRecord, number>(start, req.batchSize, async (pagina) => {
            const res = await ctx.http.send<{ data: BlingListItem[] }>(
              { method: 'GET', path: '/produtos', query: { pagina, limite: PAGE_LIMIT, dataAlteracaoInicial: req.since ? toBlingDate(req.since) : undefined } },
              ctx.signal,
            );
            const rows = res.body?.data ?? [];
            return {
              items: rows.map((p) => ({ key: String(p.id), sku: p.codigo || undefined, data: p })),
              next: nextPageNumberUntilEmpty(pagina, rows.length),
            };
          }, ctx.signal);
          return { records: batch.items, nextCursor: batch.next === null ? null : String(batch.next) };
        },
      },
    },
  },
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/produtos', query: { pagina: 1, limite: 1 } , raw: true }, ctx.signal),
});

/** ISO time to Bling's "YYYY-MM-DD HH:MM:SS" (Bling works in Brasília time; we send UTC-3). */
function toBlingDate(iso: string): string {
  const d = new Date(Date.parse(iso) - 3 * 3600_000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
