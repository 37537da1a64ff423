/**
 * A PSP speaking BACEN's API Pix (bacen/pix-api openapi.yaml, 2.9.0), built from the spec:
 * - mutual TLS on everything, the token endpoint included (throwaway CA and certificates from
 *   simulator-kit/mtls.ts); OAuth2 client credentials at `/oauth/token` with HTTP Basic, the
 *   spec's scopes and `expires_in`;
 * - `PUT/GET /v2/cob/{txid}`, `GET /v2/cob`, `PUT/GET /v2/cobv/{txid}`: txid `[a-zA-Z0-9]{26,35}`,
 *   unique per receiver across cob and cobv; the spec's violations as RFC 7807 problems
 *   (`CobOperacaoInvalida`, `CobVOperacaoInvalida` with `violacoes`); answers as `CobGerada`
 *   with `loc`, `location` and `pixCopiaECola` (a dynamic BR Code built by payments/pix);
 * - `GET /v2/pix/{e2eid}`, `GET /v2/pix` (inicio/fim over `horario`, txid, txIdPresente,
 *   `paginacao`); `PUT/GET/DELETE /v2/webhook/{chave}`;
 * - the callback: `POST {webhookUrl}/pix` with `{"pix": [...]}` when a charge is paid.
 * The spec does not say what `PUT /cob/{txid}` does with a txid already in use while the charge
 * is ATIVA; `duplicateTxid` chooses: `reject` (400 CobOperacaoInvalida, the default) or
 * `revise` (the PUT revises it, `revisao` + 1, as some PSPs do).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { buildBrCode } from '../../../payments/pix/br-code';
import { todayInSaoPaulo } from '../../../payments/boleto/due-date-factor';
import { isWebhookUrl, postDelivery, redeliver, type SimDelivery } from '../../simulator-kit/delivery';
import { type MtlsCredentials, type MtlsSimulator, startMtlsSimulator } from '../../simulator-kit/mtls';
import type { SimRequest, SimResponse } from '../../simulator-kit/server';

export const PIX_SCOPES = ['cob.write', 'cob.read', 'cobv.write', 'cobv.read', 'pix.read', 'webhook.write', 'webhook.read'];

type Status = 'ATIVA' | 'CONCLUIDA' | 'REMOVIDA_PELO_USUARIO_RECEBEDOR' | 'REMOVIDA_PELO_PSP';

export interface SimPix {
  endToEndId: string;
  txid: string;
  valor: string;
  chave: string;
  horario: string;
  infoPagador?: string;
  /** Not in BACEN's schema: some PSPs add the payer (Efí in `gnExtras`, others as `pagador`). */
  pagador?: { nome: string; cpf?: string; cnpj?: string };
}

export interface SimCharge {
  kind: 'cob' | 'cobv';
  txid: string;
  revisao: number;
  status: Status;
  calendario: { criacao: string; expiracao?: number; dataDeVencimento?: string; validadeAposVencimento?: number };
  devedor?: Record<string, string>;
  recebedor?: Record<string, string>;
  valor: { original: string } & Record<string, unknown>;
  chave: string;
  solicitacaoPagador?: string;
  infoAdicionais?: unknown[];
  loc: { id: number; location: string; tipoCob: 'cob' | 'cobv'; criacao: string };
  location: string;
  pixCopiaECola: string;
  pix: SimPix[];
}

export interface PixPspSimulatorOptions {
  port?: number;
  tokenLifetimeSeconds?: number;
  /** The receiver's key (default: a random EVP). */
  pixKey?: string;
  merchantName?: string;
  merchantCity?: string;
  duplicateTxid?: 'reject' | 'revise';
  /** ISPB of the payer's PSP written into endToEndIds (default 18236120). */
  payerIspb?: string;
}

export interface PixPayment {
  pix: SimPix;
  /** The notification posted to `{webhookUrl}/pix`; null when no webhook is registered for the key. */
  delivery: SimDelivery | null;
}

export interface PixPspSimulator extends MtlsSimulator {
  readonly credentials: MtlsCredentials & { pixKey: string };
  /** Base URL for a connection (paths start with /v2). */
  readonly baseUrl: string;
  readonly charges: Map<string, SimCharge>;
  readonly received: Map<string, SimPix>;
  readonly webhooks: Map<string, { webhookUrl: string; criacao: string }>;
  /** A payer pays the charge: it becomes CONCLUIDA, a Pix with a fresh endToEndId is recorded and notified. */
  pay(txid: string, options?: { amount?: string; payerName?: string; infoPagador?: string; at?: Date }): Promise<PixPayment>;
  /** The same notification once more (PSPs deliver at least once). */
  redeliver(delivery: SimDelivery): Promise<SimDelivery>;
  /** The receiver removes the charge (PATCH status REMOVIDA_PELO_USUARIO_RECEBEDOR in the real API). */
  remove(txid: string): void;
}

const TXID = /^[a-zA-Z0-9]{26,35}$/;
const AMOUNT = /^\d{1,10}\.\d{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ERROR_BASE = 'https://pix.bcb.gov.br/api/v2/error/';

interface Violacao {
  razao: string;
  propriedade: string;
  valor?: string;
}

/** An RFC 7807 answer of the API Pix: `type` names the error, `violacoes` the fields at fault. */
function problem(status: number, name: string, title: string, detail: string, violacoes?: Violacao[], headers: Record<string, string> = {}): SimResponse {
  const body: Record<string, unknown> = { type: ERROR_BASE + name, title, status, detail, correlationId: randomUUID() };
  if (violacoes?.length) body.violacoes = violacoes;
  return { status, body, headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers } };
}

const webhookNotFound = () => problem(404, 'WebhookNaoEncontrado', 'Webhook não encontrado.', 'O webhook denotado por {chave} não encontra-se estabelecido.');

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

function endToEndId(ispb: string, at: Date): string {
  const stamp = at.toISOString().replace(/\D/g, '').slice(0, 12);
  const tail = randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '').padEnd(11, '0').slice(0, 11);
  return `E${ispb}${stamp}${tail}`;
}

/** Violations of a `devedor` (PessoaFisica or PessoaJuridica, plus e-mail and address). */
function devedorViolations(devedor: unknown, prefix: string): Violacao[] {
  const razao = `O objeto ${prefix}.devedor não respeita o _schema_.`;
  if (!isObject(devedor)) return [{ razao, propriedade: `${prefix}.devedor` }];
  const cpf = devedor.cpf;
  const cnpj = devedor.cnpj;
  if ((cpf === undefined) === (cnpj === undefined)) return [{ razao: `${razao} Informe devedor.cpf ou devedor.cnpj, não ambos.`, propriedade: `${prefix}.devedor` }];
  if (cpf !== undefined && !(typeof cpf === 'string' && /^\d{11}$/.test(cpf))) return [{ razao, propriedade: `${prefix}.devedor.cpf`, valor: String(cpf) }];
  if (cnpj !== undefined && !(typeof cnpj === 'string' && /^[0-9A-Z]{14}$/.test(cnpj))) return [{ razao, propriedade: `${prefix}.devedor.cnpj`, valor: String(cnpj) }];
  if (typeof devedor.nome !== 'string' || !devedor.nome.trim() || devedor.nome.length > 200) return [{ razao, propriedade: `${prefix}.devedor.nome` }];
  if (typeof devedor.uf === 'string' && devedor.uf.length > 2) return [{ razao, propriedade: `${prefix}.devedor.uf`, valor: devedor.uf }];
  if (typeof devedor.cep === 'string' && devedor.cep.length > 8) return [{ razao, propriedade: `${prefix}.devedor.cep`, valor: devedor.cep }];
  return [];
}

export async function startPixPspSimulator(options: PixPspSimulatorOptions = {}): Promise<PixPspSimulator> {
  const pixKey = options.pixKey ?? randomUUID();
  const merchantName = options.merchantName ?? 'Loja Simulada';
  const merchantCity = options.merchantCity ?? 'Sao Paulo';
  const recebedor = { cnpj: '12345678000195', nome: `${merchantName} Ltda`, logradouro: 'Rua Augusta, 1000', cidade: 'São Paulo', uf: 'SP', cep: '01304001' };
  const charges = new Map<string, SimCharge>();
  const received = new Map<string, SimPix>();
  const webhooks = new Map<string, { webhookUrl: string; criacao: string }>();
  let nextLocId = 1000;
  let host = '';

  const view = (c: SimCharge) => {
    const { kind: _kind, pix, recebedor: rec, ...rest } = c;
    return { ...rest, ...(rec ? { recebedor: rec } : {}), ...(pix.length ? { pix } : {}) };
  };

  /** Violations of a charge body, in the order the spec lists them. */
  function chargeViolations(kind: 'cob' | 'cobv', body: Record<string, unknown>): Violacao[] {
    const out: Violacao[] = [];
    const cal = isObject(body.calendario) ? body.calendario : {};
    if (kind === 'cob') {
      if (cal.expiracao !== undefined && !(Number.isInteger(cal.expiracao) && (cal.expiracao as number) > 0)) {
        out.push({ razao: 'O campo cob.calendario.expiracao é igual ou menor que zero.', propriedade: 'cob.calendario.expiracao', valor: String(cal.expiracao) });
      }
    } else {
      const due = cal.dataDeVencimento;
      if (typeof due !== 'string' || !DATE.test(due)) out.push({ razao: 'O campo cobv.calendario.dataDeVencimento não respeita o _schema_.', propriedade: 'cobv.calendario.dataDeVencimento', valor: String(due ?? '') });
      else if (due < todayInSaoPaulo()) out.push({ razao: 'O campo cobv.calendario.dataDeVencimento é anterior à data de criação da cobrança.', propriedade: 'cobv.calendario.dataDeVencimento', valor: due });
      const validade = cal.validadeAposVencimento;
      if (validade !== undefined && !(Number.isInteger(validade) && (validade as number) >= 0)) {
        out.push({ razao: 'O campo cobv.calendario.validadeAposVencimento é menor do que zero.', propriedade: 'cobv.calendario.validadeAposVencimento', valor: String(validade) });
      }
    }
    if (kind === 'cobv' || body.devedor !== undefined) out.push(...devedorViolations(body.devedor, kind));
    const original = isObject(body.valor) ? body.valor.original : undefined;
    if (typeof original !== 'string' || !AMOUNT.test(original)) out.push({ razao: `O campo ${kind}.valor.original não respeita o _schema_.`, propriedade: `${kind}.valor.original`, valor: String(original ?? '') });
    else if (Number(original) === 0) out.push({ razao: `O campo ${kind}.valor.original é zero.`, propriedade: `${kind}.valor.original`, valor: original });
    if (typeof body.chave !== 'string' || !body.chave || body.chave.length > 77) out.push({ razao: `O campo ${kind}.chave não respeita o _schema_.`, propriedade: `${kind}.chave` });
    else if (body.chave !== pixKey) out.push({ razao: `O campo ${kind}.chave corresponde a uma conta que não pertence a este usuário recebedor.`, propriedade: `${kind}.chave`, valor: body.chave });
    if (body.solicitacaoPagador !== undefined && !(typeof body.solicitacaoPagador === 'string' && body.solicitacaoPagador.length <= 140)) {
      out.push({ razao: 'O campo solicitacaoPagador não respeita o _schema_.', propriedade: `${kind}.solicitacaoPagador` });
    }
    return out;
  }

  function putCharge(kind: 'cob' | 'cobv', req: SimRequest): SimResponse {
    const name = kind === 'cob' ? 'CobOperacaoInvalida' : 'CobVOperacaoInvalida';
    const title = 'Cobrança inválida.';
    const detail =
      kind === 'cob'
        ? 'A requisição que busca alterar ou criar uma cobrança para pagamento imediato não respeita o _schema_ ou está semanticamente errada.'
        : 'A requisição que busca alterar ou criar uma cobrança com vencimento não respeita o _schema_ ou está semanticamente errada.';
    const txid = req.params.txid;
    if (!TXID.test(txid)) return problem(400, name, title, detail, [{ razao: 'O campo txid não respeita o _schema_ ([a-zA-Z0-9]{26,35}).', propriedade: 'txid', valor: txid }]);
    if (!isObject(req.body)) return problem(400, name, title, detail, [{ razao: 'O corpo da requisição não é um objeto JSON.', propriedade: kind }]);
    const violations = chargeViolations(kind, req.body);
    if (violations.length) return problem(400, name, title, detail, violations);
    const existing = charges.get(txid);
    if (existing) {
      if (existing.status !== 'ATIVA') {
        return problem(400, name, 'Operação inválida.', 'A cobrança já existe, não está no status ATIVA, e a presente requisição busca alterá-la.', [
          { razao: 'A cobrança já existe, não está no status ATIVA, e a presente requisição busca alterá-la.', propriedade: `${kind}.txid`, valor: txid },
        ]);
      }
      if (existing.kind !== kind || options.duplicateTxid !== 'revise') {
        return problem(400, name, title, detail, [{ razao: 'O txid informado já está em uso por outra cobrança deste usuário recebedor.', propriedade: `${kind}.txid`, valor: txid }]);
      }
    }
    const body = req.body;
    const now = new Date().toISOString();
    const cal = body.calendario as Record<string, unknown> | undefined;
    const loc = existing?.loc ?? { id: nextLocId++, location: `${host}/qr/v2/${kind === 'cobv' ? 'cobv/' : ''}${randomUUID().replace(/-/g, '')}`, tipoCob: kind, criacao: now };
    const charge: SimCharge = {
      kind,
      txid,
      revisao: existing ? existing.revisao + 1 : 0,
      status: 'ATIVA',
      calendario:
        kind === 'cob'
          ? { criacao: existing?.calendario.criacao ?? now, expiracao: (cal?.expiracao as number | undefined) ?? 86400 }
          : { criacao: existing?.calendario.criacao ?? now, dataDeVencimento: cal?.dataDeVencimento as string, validadeAposVencimento: (cal?.validadeAposVencimento as number | undefined) ?? 30 },
      ...(isObject(body.devedor) ? { devedor: body.devedor as Record<string, string> } : {}),
      ...(kind === 'cobv' ? { recebedor } : {}),
      valor: body.valor as SimCharge['valor'],
      chave: body.chave as string,
      ...(typeof body.solicitacaoPagador === 'string' ? { solicitacaoPagador: body.solicitacaoPagador } : {}),
      ...(Array.isArray(body.infoAdicionais) ? { infoAdicionais: body.infoAdicionais } : {}),
      loc,
      location: loc.location,
      pixCopiaECola: buildBrCode({ url: loc.location, merchantName, merchantCity }),
      pix: [],
    };
    charges.set(txid, charge);
    return { status: existing ? 200 : 201, body: view(charge) };
  }

  function getCharge(kind: 'cob' | 'cobv', req: SimRequest): SimResponse {
    const charge = charges.get(req.params.txid);
    if (!charge || charge.kind !== kind) {
      return kind === 'cob'
        ? problem(404, 'CobNaoEncontrado', 'Cobrança não encontrada.', 'Cobrança não encontrada para o txid informado.')
        : problem(404, 'CobVNaoEncontrada', 'Cobrança não encontrada.', 'Cobrança com vencimento não encontrada para o txid informado.');
    }
    return { status: 200, body: view(charge) };
  }

  /** `inicio`/`fim` (RFC 3339) and `paginacao.*`, or the violations of the query. */
  function listWindow(req: SimRequest, errorName: string): { inicio: string; fim: string; page: number; perPage: number } | SimResponse {
    const inicio = req.query.get('inicio') ?? '';
    const fim = req.query.get('fim') ?? '';
    const page = Number(req.query.get('paginacao.paginaAtual') ?? 0);
    const perPage = Number(req.query.get('paginacao.itensPorPagina') ?? 100);
    const violations: Violacao[] = [];
    if (Number.isNaN(Date.parse(inicio))) violations.push({ razao: 'O parâmetro inicio não respeita o _schema_.', propriedade: 'inicio', valor: inicio });
    if (Number.isNaN(Date.parse(fim))) violations.push({ razao: 'O parâmetro fim não respeita o _schema_.', propriedade: 'fim', valor: fim });
    else if (Date.parse(fim) < Date.parse(inicio)) violations.push({ razao: 'O timestamp representado pelo parâmetro fim é anterior ao timestamp representado pelo parâmetro inicio.', propriedade: 'fim', valor: fim });
    if (!Number.isInteger(page) || page < 0) violations.push({ razao: 'O parâmetro paginacao.paginaAtual é negativo.', propriedade: 'paginacao.paginaAtual' });
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000) violations.push({ razao: 'O parâmetro paginacao.itensPorPagina não respeita o _schema_.', propriedade: 'paginacao.itensPorPagina' });
    if (violations.length) return problem(400, errorName, 'Consulta inválida.', 'Os parâmetros de consulta não respeitam o _schema_ ou não fazem sentido semanticamente.', violations);
    return { inicio, fim, page, perPage };
  }

  function page<T>(items: T[], w: { inicio: string; fim: string; page: number; perPage: number }) {
    const quantidadeDePaginas = Math.max(1, Math.ceil(items.length / w.perPage));
    return {
      parametros: { inicio: w.inicio, fim: w.fim, paginacao: { paginaAtual: w.page, itensPorPagina: w.perPage, quantidadeDePaginas, quantidadeTotalDeItens: items.length } },
      items: items.slice(w.page * w.perPage, (w.page + 1) * w.perPage),
    };
  }

  const within = (iso: string, w: { inicio: string; fim: string }) => Date.parse(iso) >= Date.parse(w.inicio) && Date.parse(iso) <= Date.parse(w.fim);

  const sim = await startMtlsSimulator({
    port: options.port,
    organization: 'PSP Simulado',
    tokenPath: '/oauth/token',
    clientAuth: 'basic',
    scopes: PIX_SCOPES,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
    scopeFor(req) {
      const m = /^\/v2\/(cobv|cob|pix|webhook)(?:\/|$)/.exec(req.path);
      if (!m) return null;
      return `${m[1]}.${req.method === 'GET' ? 'read' : 'write'}`;
    },
    errors: {
      unauthorized: (detail) => problem(401, 'AcessoNegado', 'Não autorizado', detail, undefined, { 'www-authenticate': 'Bearer error="invalid_token"' }),
      forbidden: (detail) => problem(403, 'AcessoNegado', 'Acesso Negado', `Requisição de participante autenticado que viola alguma regra de autorização. ${detail}`),
      throttled: (seconds) => problem(429, 'LimiteDeRequisicoes', 'Muitas requisições', 'O limite de requisições foi atingido; tente novamente mais tarde.', undefined, { 'retry-after': String(seconds) }),
      unavailable: () => problem(503, 'ServicoIndisponivel', 'Serviço Indisponível', 'Serviço não está disponível no momento. Serviço solicitado pode estar em manutenção ou fora da janela de funcionamento.'),
    },
    notFound: (req) => problem(404, 'NaoEncontrado', 'Não Encontrado', `Entidade não encontrada: ${req.method} ${req.path}`),
    routes: [
      { method: 'PUT', path: '/v2/cob/:txid', handler: (req) => putCharge('cob', req) },
      { method: 'GET', path: '/v2/cob/:txid', handler: (req) => getCharge('cob', req) },
      {
        method: 'GET',
        path: '/v2/cob',
        handler: (req) => {
          const w = listWindow(req, 'CobConsultaInvalida');
          if ('status' in w) return w;
          const status = req.query.get('status');
          const rows = [...charges.values()].filter((c) => c.kind === 'cob' && within(c.calendario.criacao, w) && (!status || c.status === status));
          const { parametros, items } = page(rows, w);
          return { status: 200, body: { parametros, cobs: items.map(view) } };
        },
      },
      { method: 'PUT', path: '/v2/cobv/:txid', handler: (req) => putCharge('cobv', req) },
      { method: 'GET', path: '/v2/cobv/:txid', handler: (req) => getCharge('cobv', req) },
      {
        method: 'GET',
        path: '/v2/pix/:e2eid',
        handler: (req) => {
          const pix = received.get(req.params.e2eid);
          return pix ? { status: 200, body: pix } : problem(404, 'PixNaoEncontrado', 'Pix não encontrado.', 'Pix não encontrado para o e2eid informado.');
        },
      },
      {
        method: 'GET',
        path: '/v2/pix',
        handler: (req) => {
          const w = listWindow(req, 'PixConsultaInvalida');
          if ('status' in w) return w;
          const txid = req.query.get('txid');
          const present = req.query.get('txIdPresente');
          const rows = [...received.values()]
            .filter((p) => within(p.horario, w) && (!txid || p.txid === txid) && (present === null || (present === 'true') === Boolean(p.txid)))
            .sort((a, b) => a.horario.localeCompare(b.horario));
          const { parametros, items } = page(rows, w);
          return { status: 200, body: { parametros, pix: items } };
        },
      },
      {
        method: 'PUT',
        path: '/v2/webhook/:chave',
        handler: (req) => {
          const detail = 'A presente requisição busca criar um webhook sem respeitar o _schema_ ou, ainda, com sentido semanticamente inválido.';
          if (req.params.chave !== pixKey) {
            return problem(400, 'WebhookOperacaoInvalida', 'Webhook inválido.', detail, [
              { razao: 'O parâmetro {chave} não corresponde a uma chave DICT pertencente a este usuário recebedor.', propriedade: 'chave', valor: req.params.chave },
            ]);
          }
          const url = isObject(req.body) ? req.body.webhookUrl : undefined;
          if (!isWebhookUrl(url)) return problem(400, 'WebhookOperacaoInvalida', 'Webhook inválido.', detail, [{ razao: 'Campo webhook.webhookUrl não respeita o _schema_.', propriedade: 'webhookUrl', valor: String(url ?? '') }]);
          webhooks.set(pixKey, { webhookUrl: url, criacao: new Date().toISOString() });
          return { status: 200, body: '' };
        },
      },
      {
        method: 'GET',
        path: '/v2/webhook/:chave',
        handler: (req) => {
          const hook = webhooks.get(req.params.chave);
          return hook ? { status: 200, body: { ...hook, chave: req.params.chave } } : webhookNotFound();
        },
      },
      {
        method: 'DELETE',
        path: '/v2/webhook/:chave',
        handler: (req) => (webhooks.delete(req.params.chave) ? { status: 204 } : webhookNotFound()),
      },
    ],
  });
  // Locations are written without the scheme (BACEN: "pix.example.com/qr/v2/…").
  host = new URL(sim.url).host;
  const payerIspb = options.payerIspb ?? '18236120';

  return {
    ...sim,
    credentials: { ...sim.credentials, pixKey },
    baseUrl: sim.url,
    charges,
    received,
    webhooks,
    async pay(txid, { amount, payerName, infoPagador, at = new Date() } = {}) {
      const charge = charges.get(txid);
      if (!charge) throw new Error(`The simulator has no charge with txid ${txid}`);
      if (charge.status !== 'ATIVA') throw new Error(`Charge ${txid} is ${charge.status}: it cannot be paid`);
      const pix: SimPix = { endToEndId: endToEndId(payerIspb, at), txid, valor: amount ?? charge.valor.original, chave: charge.chave, horario: at.toISOString() };
      if (infoPagador) pix.infoPagador = infoPagador;
      if (payerName) pix.pagador = { nome: payerName, cpf: '12345678909' };
      charge.status = 'CONCLUIDA';
      charge.pix.push(pix);
      received.set(pix.endToEndId, pix);
      const hook = webhooks.get(charge.chave);
      // The callback goes to the registered URL plus "/pix" (the spec's `{webhookUrl}/pix`).
      const delivery = hook ? await postDelivery(`${hook.webhookUrl.replace(/\/+$/, '')}/pix`, JSON.stringify({ pix: [pix] })) : null;
      return { pix, delivery };
    },
    redeliver,
    remove(txid) {
      const charge = charges.get(txid);
      if (!charge) throw new Error(`The simulator has no charge with txid ${txid}`);
      charge.status = 'REMOVIDA_PELO_USUARIO_RECEBEDOR';
      charge.revisao++;
    },
  };
}
