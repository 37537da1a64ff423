/**
 * Bling API v3 simulator, built from the public docs (developer.bling.com.br):
 * - base path /Api/v3; OAuth2 token endpoint with Basic client auth; Bearer access tokens;
 * - `pagina` (1-based) / `limite` (max 100) with `{"data": [...]}` and no totals: an empty page ends;
 * - 3 requests per second per account, answered 429 with Bling's error envelope beyond;
 * - the error envelope `{"error":{"type","message","description","fields"?}}`.
 */
import { randomBytes } from 'node:crypto';
import { basicAuth, bearerToken, type RunningSimulator, type SimRequest, type SimResponse, startSimServer } from '../../simulator-kit/server';
import { FaultPlan, fixedWindow } from '../../simulator-kit/throttle';

export interface BlingProduct {
  id: number;
  nome: string;
  codigo: string;
  preco: number;
  precoCusto: number;
  tipo: 'P' | 'S';
  situacao: 'A' | 'I';
  formato: 'S' | 'V' | 'E';
  unidade: string;
  descricaoCurta: string;
  estoque: { saldoVirtualTotal: number };
  /** Not in Bling's list response; kept to serve `dataAlteracaoInicial`. */
  dataAlteracao: string;
}

export interface BlingSimulatorOptions {
  port?: number;
  /** Requests per second per account; Bling's published limit is 3. 0 turns throttling off. */
  requestsPerSecond?: number;
  clientId?: string;
  clientSecret?: string;
  /** Access token accepted from the start (tests and the demo skip the OAuth dance). */
  accessToken?: string;
}

export interface BlingSimulator extends RunningSimulator {
  readonly products: Map<number, BlingProduct>;
  readonly faults: FaultPlan;
  /** Requests answered 429 because they went over the rate limit (injected faults not counted). */
  readonly stats: { requests: number; overLimit: number; refreshes: number };
  /** Every access token issued so far stops working, as after 6 hours. */
  expireAccessTokens(): void;
  readonly credentials: { clientId: string; clientSecret: string; accessToken: string; refreshToken: string };
  seedProducts(count: number, options?: { startAt?: number }): void;
  updateProduct(id: number, change: Partial<Omit<BlingProduct, 'id'>>): void;
}

const PAGE_LIMIT = 100;
const FIRST_ID = 16_000_000_000;

export function blingProductAt(i: number): BlingProduct {
  return {
    id: FIRST_ID + i,
    nome: `Produto ${i}`,
    codigo: `SKU-${String(i).padStart(6, '0')}`,
    preco: Math.round((10 + (i % 500) * 1.37) * 100) / 100,
    precoCusto: Math.round((5 + (i % 500) * 0.61) * 100) / 100,
    tipo: 'P',
    situacao: 'A',
    formato: 'S',
    unidade: 'UN',
    descricaoCurta: `Descrição do produto ${i}`,
    estoque: { saldoVirtualTotal: (i * 7) % 50 },
    dataAlteracao: '2026-01-01 00:00:00',
  };
}

function blingError(status: number, type: string, message: string, description = message): SimResponse {
  return { status, body: { error: { type, message, description } } };
}

export async function startBlingSimulator(options: BlingSimulatorOptions = {}): Promise<BlingSimulator> {
  const products = new Map<number, BlingProduct>();
  const faults = new FaultPlan();
  const credentials = {
    clientId: options.clientId ?? 'bling-client-id',
    clientSecret: options.clientSecret ?? randomBytes(16).toString('hex'),
    accessToken: options.accessToken ?? randomBytes(24).toString('hex'),
    refreshToken: randomBytes(24).toString('hex'),
  };
  const validTokens = new Set([credentials.accessToken]);
  const throttle = fixedWindow(options.requestsPerSecond ?? 3, 1000);
  const stats = { requests: 0, overLimit: 0, refreshes: 0 };
  const codes = new Set<string>();

  const list = (req: SimRequest): SimResponse => {
    const pagina = Number(req.query.get('pagina') ?? 1);
    const limite = Math.min(Number(req.query.get('limite') ?? PAGE_LIMIT), PAGE_LIMIT);
    if (!Number.isInteger(pagina) || pagina < 1) return blingError(400, 'VALIDATION_ERROR', 'Parâmetro pagina inválido');
    const since = req.query.get('dataAlteracaoInicial');
    let rows = [...products.values()];
    if (since) rows = rows.filter((p) => p.dataAlteracao >= since);
    const page = rows.slice((pagina - 1) * limite, pagina * limite).map(({ dataAlteracao: _hidden, ...p }) => p);
    return { status: 200, body: { data: page } };
  };

  const sim = await startSimServer({
    port: options.port,
    before(req) {
      if (!req.path.startsWith('/Api/v3/')) return blingError(404, 'RESOURCE_NOT_FOUND', 'Recurso não encontrado');
      if (req.path === '/Api/v3/oauth/token' || req.path === '/Api/v3/oauth/authorize') return null;
      const token = bearerToken(req);
      if (!token || !validTokens.has(token)) return blingError(401, 'invalid_token', 'invalid_token', 'The access token provided is invalid');
      const fault = faults.next();
      if (fault === 'throttle') return blingError(429, 'TOO_MANY_REQUESTS', 'Limite de requisições atingido', 'Aguarde antes de realizar novas requisições');
      if (fault === 'fail') return blingError(503, 'SERVICE_UNAVAILABLE', 'Serviço indisponível');
      stats.requests++;
      const decision = throttle(token);
      if (!decision.allowed) stats.overLimit++;
      if (!decision.allowed) return blingError(429, 'TOO_MANY_REQUESTS', 'Limite de requisições atingido', 'Limite de 3 requisições por segundo excedido');
      return null;
    },
    routes: [
      {
        // The seller's consent page; the simulator approves at once. Bling requires `state`.
        method: 'GET',
        path: '/Api/v3/oauth/authorize',
        handler(req) {
          if (req.query.get('client_id') !== credentials.clientId) return blingError(400, 'invalid_client', 'client_id inválido');
          if (!req.query.get('state')) return blingError(400, 'invalid_request', 'O parâmetro state é obrigatório');
          const redirect = req.query.get('redirect_uri') ?? 'http://127.0.0.1/callback';
          const code = randomBytes(10).toString('hex');
          codes.add(code);
          const back = new URL(redirect);
          back.searchParams.set('code', code);
          back.searchParams.set('state', req.query.get('state')!);
          return { status: 302, headers: { location: back.toString() } };
        },
      },
      {
        method: 'POST',
        path: '/Api/v3/oauth/token',
        handler(req) {
          const client = basicAuth(req);
          if (!client || client.user !== credentials.clientId || client.password !== credentials.clientSecret)
            return { status: 401, body: { error: { type: 'invalid_client', message: 'invalid_client', description: 'Client authentication failed' } } };
          const form = (req.body ?? {}) as Record<string, string>;
          if (form.grant_type === 'authorization_code') {
            if (!codes.delete(form.code)) return { status: 400, body: { error: { type: 'invalid_grant', message: 'invalid_grant', description: 'Invalid authorization code' } } };
          } else if (form.grant_type !== 'refresh_token' || form.refresh_token !== credentials.refreshToken) {
            return { status: 400, body: { error: { type: 'invalid_grant', message: 'invalid_grant', description: 'Invalid refresh token' } } };
          } else stats.refreshes++;
          credentials.accessToken = randomBytes(24).toString('hex');
          credentials.refreshToken = randomBytes(24).toString('hex');
          validTokens.add(credentials.accessToken);
          return { status: 200, body: { access_token: credentials.accessToken, expires_in: 21600, token_type: 'Bearer', scope: '', refresh_token: credentials.refreshToken } };
        },
      },
      { method: 'GET', path: '/Api/v3/produtos', handler: list },
      {
        method: 'GET',
        path: '/Api/v3/produtos/:id',
        handler(req) {
          const p = products.get(Number(req.params.id));
          if (!p) return blingError(404, 'RESOURCE_NOT_FOUND', 'Produto não encontrado');
          const { dataAlteracao: _hidden, ...body } = p;
          return { status: 200, body: { data: body } };
        },
      },
    ],
  });

  return {
    ...sim,
    products,
    faults,
    stats,
    credentials,
    expireAccessTokens: () => validTokens.clear(),
    seedProducts(count, { startAt = 0 } = {}) {
      for (let i = startAt; i < startAt + count; i++) {
        const p = blingProductAt(i);
        products.set(p.id, p);
      }
    },
    updateProduct(id, change) {
      const p = products.get(id);
      if (!p) throw new Error(`No Bling product ${id}`);
      Object.assign(p, change, { dataAlteracao: blingNow() });
    },
  };
}

/** Bling's date format for filters: "YYYY-MM-DD HH:MM:SS", in Brasília time (UTC-3). */
export function blingNow(date = new Date()): string {
  return new Date(date.getTime() - 3 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
