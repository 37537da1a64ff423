/**
 * Mercado Livre. Target of listings in the Foundation flow; the connectors issue adds orders,
 * variations, OAuth refresh and notifications.
 */
import { defineConnector, oauth2Credentials, type ConnectionContext, type WriteInput } from '../types';

/** Fields ML lets us change on an existing item; anything else in a PUT is refused. */
const UPDATABLE = ['title', 'price', 'available_quantity', 'status', 'condition'];

// The seller id never changes for a connection; ask /users/me once per process.
const userIds = new Map<string, number>();

async function userId(ctx: ConnectionContext): Promise<number> {
  const fromSettings = Number(ctx.settings.userId);
  if (fromSettings) return fromSettings;
  let id = userIds.get(ctx.connectionId);
  if (!id) {
    const res = await ctx.http.send<{ id: number }>({ method: 'GET', path: '/users/me' }, ctx.signal);
    id = res.body.id;
    userIds.set(ctx.connectionId, id);
  }
  return id;
}

/** ML finds a listing by SKU through the SELLER_SKU attribute, so every write stamps it. */
function withSku(data: Record<string, unknown>, sku: string | undefined): Record<string, unknown> {
  if (!sku) return data;
  const attributes = Array.isArray(data.attributes) ? (data.attributes as Array<{ id: string }>).filter((a) => a.id !== 'SELLER_SKU') : [];
  return { ...data, attributes: [...attributes, { id: 'SELLER_SKU', value_name: sku }] };
}

export const mercadolivre = defineConnector({
  id: 'mercadolivre',
  name: 'Mercado Livre',
  description: 'Marketplace Mercado Livre: anúncios, estoque, preços, pedidos.',
  defaultBaseUrl: 'https://api.mercadolibre.com',
  credentialSchema: oauth2Credentials({ clientId: 'App ID', clientSecret: 'Secret key' }),
  // Mercado Livre: client id and secret go in the form body, with the same redirect_uri as the
  // authorize step; each refresh token works once.
  oauth2: { authorizeUrl: 'https://auth.mercadolivre.com.br/authorization', tokenPath: '/oauth/token', clientAuth: 'body', sendsRedirectUri: true },
  // ML publishes no general number; integrators see throttling around 5-7 writes/s on items.
  rateLimit: { requestsPerSecond: 5, burst: 5 },
  authHeaders: (credentials) => ({ authorization: `Bearer ${credentials.accessToken}` }),
  http: {
    describeError(body) {
      const b = body as { message?: string; error?: string; cause?: Array<{ code?: string; message?: string }> } | undefined;
      if (!b || typeof b !== 'object') return undefined;
      const causes = (b.cause ?? []).map((c) => [c.code, c.message].filter(Boolean).join(': ')).join('; ');
      return [b.error, b.message].filter(Boolean).join(': ') + (causes ? ` (${causes})` : '');
    },
    // ML does not promise a Retry-After on 429.
    defaultRetryAfterMs: 2000,
  },
  entities: {
    products: {
      write: {
        async create(ctx, input: WriteInput) {
          const res = await ctx.http.send<{ id: string }>({ method: 'POST', path: '/items', json: withSku(input.data, input.sku) }, ctx.signal);
          return { externalId: res.body.id };
        },
        async update(ctx, externalId, input: WriteInput) {
          // A PUT carries only the fields ML accepts on an existing listing.
          const data = withSku(input.data, input.sku);
          const body: Record<string, unknown> = {};
          for (const f of UPDATABLE) if (data[f] !== undefined) body[f] = data[f];
          await ctx.http.send({ method: 'PUT', path: `/items/${encodeURIComponent(externalId)}`, json: body }, ctx.signal);
        },
        async findBySku(ctx, sku) {
          const uid = await userId(ctx);
          const res = await ctx.http.send<{ results: string[] }>({ method: 'GET', path: `/users/${uid}/items/search`, query: { seller_sku: sku, limit: 2 } }, ctx.signal);
          return res.body.results?.[0] ?? null;
        },
      },
    },
  },
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/users/me' , raw: true }, ctx.signal),
});
