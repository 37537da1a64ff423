/**
 * Banco Inter "API Cobrança" v3 simulator, from Inter's API reference and official SDKs
 * (inter-co/pj-sdk-python and pj-sdk-java: paths, field names, enums):
 * - mutual TLS everywhere (simulator-kit/mtls.ts); `POST /oauth/v2/token` with client_id and
 *   client_secret as form fields, scopes `boleto-cobranca.read`/`.write`, 3600-second tokens;
 * - `POST /cobranca/v3/cobrancas` checks the request (seuNumero of 1 to 15 characters,
 *   valorNominal from 2.50, due date not in the past, numDiasAgenda 0–60, the payer's document,
 *   person type, name and address, message lines of 78) and answers `{codigoSolicitacao}`;
 *   errors are `{title, detail, timestamp, violacoes: [{razao, propriedade, valor}]}`;
 * - issuing is asynchronous: the first `processingReads` reads of a new cobrança say
 *   EM_PROCESSAMENTO without boleto; then A_RECEBER with `boleto` (nosso número, a FEBRABAN
 *   barcode and line for bank 077 from payments/boleto) and `pix` (txid, a dynamic BR Code);
 * - `GET /cobranca/v3/cobrancas` with dataInicial/dataFinal, filtrarDataPor
 *   (VENCIMENTO, EMISSAO, PAGAMENTO), situacao, seuNumero, paginacao; Inter does not refuse a
 *   repeated seuNumero, so neither does this;
 * - `PUT/GET/DELETE /cobranca/v3/cobrancas/webhook`, and the callback: an array of cobrança
 *   updates posted to the webhook URL. The real one must be HTTPS; the simulator also posts to
 *   http:// so tests can receive it;
 * - `x-conta-corrente` must name the application's account when sent.
 */
import { randomUUID } from 'node:crypto';
import { barcodeToDigitableLine, buildBoletoBarcode } from '../../../payments/boleto/barcode';
import { todayInSaoPaulo } from '../../../payments/boleto/due-date-factor';
import { formatCents } from '../../../payments/money';
import { buildBrCode } from '../../../payments/pix/br-code';
import { isWebhookUrl, postDelivery, redeliver, type SimDelivery } from '../../simulator-kit/delivery';
import { type MtlsCredentials, type MtlsSimulator, startMtlsSimulator } from '../../simulator-kit/mtls';
import type { SimRequest, SimResponse } from '../../simulator-kit/server';
import { COBRANCAS } from '../client';

const UFS = new Set('AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO'.split(' '));
const SITUACOES = new Set(['RECEBIDO', 'A_RECEBER', 'MARCADO_RECEBIDO', 'ATRASADO', 'CANCELADO', 'EXPIRADO', 'FALHA_EMISSAO', 'EM_PROCESSAMENTO', 'PROTESTO']);

export interface SimCobranca {
  codigoSolicitacao: string;
  seuNumero: string;
  dataEmissao: string;
  dataVencimento: string;
  valorNominal: number;
  numDiasAgenda: number;
  situacao: string;
  dataSituacao: string;
  dataHoraSituacao: string;
  valorTotalRecebido?: string;
  origemRecebimento?: 'BOLETO' | 'PIX';
  pagador: Record<string, string>;
  mensagem?: Record<string, string>;
  /** Reads left before Inter has registered it. */
  processingReads: number;
  nossoNumero: string;
  codigoBarras: string;
  linhaDigitavel: string;
  txid: string;
  pixCopiaECola: string;
}

export interface InterSimulatorOptions {
  port?: number;
  tokenLifetimeSeconds?: number;
  /** The application's account (checked against `x-conta-corrente` when sent). */
  contaCorrente?: string;
  /** Reads of a new cobrança that still say EM_PROCESSAMENTO (default 1). */
  processingReads?: number;
}

export interface InterPayment {
  cobranca: SimCobranca;
  /** The callback posted to the webhook URL; null when none is registered. */
  delivery: SimDelivery | null;
}

export interface InterSimulator extends MtlsSimulator {
  readonly credentials: MtlsCredentials & { contaCorrente: string };
  readonly baseUrl: string;
  readonly cobrancas: Map<string, SimCobranca>;
  readonly webhook: { url: string | null };
  /** The payer pays the (latest live) cobrança with this seuNumero: RECEBIDO, and the callback is posted. */
  pay(seuNumero: string, options?: { via?: 'BOLETO' | 'PIX'; amount?: string; at?: Date }): Promise<InterPayment>;
  /** The same callback once more (Inter retries deliveries that were not acknowledged). */
  redeliver(delivery: SimDelivery): Promise<SimDelivery>;
  /** A cobrança changes situation (CANCELADO, EXPIRADO…) and the callback is posted. */
  setSituacao(codigoSolicitacao: string, situacao: string): Promise<SimDelivery | null>;
}

interface Violacao {
  razao: string;
  propriedade: string;
  valor?: string;
}

/** Inter's error body. */
function interError(status: number, title: string, detail: string, violacoes?: Violacao[], headers: Record<string, string> = {}): SimResponse {
  return { status, headers, body: { title, detail, timestamp: new Date().toISOString(), ...(violacoes?.length ? { violacoes } : {}) } };
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function requestViolations(body: Record<string, unknown>): Violacao[] {
  const out: Violacao[] = [];
  const bad = (propriedade: string, razao: string, valor?: unknown) => out.push({ razao, propriedade, ...(valor !== undefined ? { valor: String(valor) } : {}) });
  const seu = body.seuNumero;
  if (typeof seu !== 'string' || seu.length < 1 || seu.length > 15) bad('seuNumero', 'tamanho deve ser entre 1 e 15', seu);
  const valor = body.valorNominal;
  if (typeof valor !== 'number' || !Number.isFinite(valor) || valor < 2.5 || valor > 99999999.99 || Math.round(valor * 100) !== valor * 100) bad('valorNominal', 'deve ser um valor entre 2.5 e 99999999.99', valor);
  const due = body.dataVencimento;
  if (typeof due !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(due)) bad('dataVencimento', 'deve estar no formato yyyy-MM-dd', due);
  else if (due < todayInSaoPaulo()) bad('dataVencimento', 'não pode ser anterior à data atual', due);
  const dias = body.numDiasAgenda;
  if (!Number.isInteger(dias) || (dias as number) < 0 || (dias as number) > 60) bad('numDiasAgenda', 'deve estar entre 0 e 60', dias);
  const p = isObject(body.pagador) ? body.pagador : null;
  if (!p) {
    bad('pagador', 'não deve ser nulo');
    return out;
  }
  const doc = text(p.cpfCnpj);
  if (!/^\d{11}$|^\d{14}$/.test(doc)) bad('pagador.cpfCnpj', 'CPF ou CNPJ inválido', p.cpfCnpj);
  if (p.tipoPessoa !== 'FISICA' && p.tipoPessoa !== 'JURIDICA') bad('pagador.tipoPessoa', 'deve ser FISICA ou JURIDICA', p.tipoPessoa);
  else if ((p.tipoPessoa === 'FISICA') !== (doc.length === 11)) bad('pagador.tipoPessoa', 'não corresponde ao documento informado', p.tipoPessoa);
  const sized: Array<[string, number, boolean]> = [
    ['nome', 100, true],
    ['endereco', 100, true],
    ['cidade', 60, true],
    ['numero', 10, false],
    ['complemento', 30, false],
    ['bairro', 60, false],
    ['email', 50, false],
  ];
  for (const [field, max, required] of sized) {
    const v = text(p[field]);
    if (required && !v) bad(`pagador.${field}`, 'não deve estar em branco');
    else if (v.length > max) bad(`pagador.${field}`, `tamanho deve ser entre 1 e ${max}`, v);
  }
  if (!UFS.has(text(p.uf))) bad('pagador.uf', 'UF inválida', p.uf);
  if (!/^\d{8}$/.test(text(p.cep))) bad('pagador.cep', 'deve conter 8 dígitos', p.cep);
  if (body.mensagem !== undefined) {
    const m = isObject(body.mensagem) ? body.mensagem : {};
    for (const [k, v] of Object.entries(m)) if (!/^linha[1-5]$/.test(k) || typeof v !== 'string' || v.length > 78) bad(`mensagem.${k}`, 'tamanho máximo de 78 caracteres', v);
  }
  return out;
}

export async function startInterSimulator(options: InterSimulatorOptions = {}): Promise<InterSimulator> {
  const contaCorrente = options.contaCorrente ?? '12345678';
  const cobrancas = new Map<string, SimCobranca>();
  const webhook: { url: string | null; criacao?: string } = { url: null };
  let nextNossoNumero = 10_000_000_000 + Math.floor(Math.random() * 1_000_000);
  let host = '';

  const cobrancaView = (c: SimCobranca) => ({
    codigoSolicitacao: c.codigoSolicitacao,
    seuNumero: c.seuNumero,
    dataEmissao: c.dataEmissao,
    dataVencimento: c.dataVencimento,
    valorNominal: c.valorNominal,
    tipoCobranca: 'SIMPLES',
    situacao: c.situacao,
    dataSituacao: c.dataSituacao,
    ...(c.valorTotalRecebido ? { valorTotalRecebido: c.valorTotalRecebido, origemRecebimento: c.origemRecebimento } : {}),
    arquivada: false,
    descontos: [],
    multa: { codigo: 'NAOTEMMULTA' },
    mora: { codigo: 'ISENTO' },
    pagador: c.pagador,
  });
  /** `{cobranca, boleto, pix}`; boleto and Pix only once registered. */
  const view = (c: SimCobranca) =>
    c.situacao === 'EM_PROCESSAMENTO'
      ? { cobranca: cobrancaView(c) }
      : { cobranca: cobrancaView(c), boleto: { nossoNumero: c.nossoNumero, codigoBarras: c.codigoBarras, linhaDigitavel: c.linhaDigitavel }, pix: { txid: c.txid, pixCopiaECola: c.pixCopiaECola } };

  const settle = (c: SimCobranca, situacao: string, at = new Date()) => {
    c.situacao = situacao;
    c.dataSituacao = todayInSaoPaulo(at);
    c.dataHoraSituacao = at.toISOString();
  };

  /** A read registers the cobrança once its processing reads are used up. */
  const read = (c: SimCobranca) => {
    if (c.situacao === 'EM_PROCESSAMENTO') {
      if (c.processingReads > 0) c.processingReads--;
      else settle(c, 'A_RECEBER');
    }
    return view(c);
  };

  const callback = (c: SimCobranca) =>
    JSON.stringify([
      {
        codigoSolicitacao: c.codigoSolicitacao,
        seuNumero: c.seuNumero,
        situacao: c.situacao,
        dataHoraSituacao: c.dataHoraSituacao,
        ...(c.valorTotalRecebido ? { valorTotalRecebido: c.valorTotalRecebido, origemRecebimento: c.origemRecebimento } : {}),
        nossoNumero: c.nossoNumero,
        codigoBarras: c.codigoBarras,
        linhaDigitavel: c.linhaDigitavel,
        txid: c.txid,
        pixCopiaECola: c.pixCopiaECola,
      },
    ]);
  const notify = (c: SimCobranca) => (webhook.url ? postDelivery(webhook.url, callback(c)) : Promise.resolve(null));

  function issue(req: SimRequest): SimResponse {
    if (!isObject(req.body)) return interError(400, 'Bad Request', 'O corpo da requisição deve ser um objeto JSON.');
    const violacoes = requestViolations(req.body);
    if (violacoes.length) return interError(400, 'Bad Request', 'Existem campos inválidos.', violacoes);
    const b = req.body as Record<string, unknown>;
    const now = new Date();
    const nossoNumero = String(nextNossoNumero++);
    const valor = b.valorNominal as number;
    // Published Inter boletos carry agency 0001, portfolio 112, a 7-digit account code and the nosso número.
    const codigoBarras = buildBoletoBarcode({ bankCode: '077', dueDate: b.dataVencimento as string, amount: formatCents(Math.round(valor * 100)), freeField: `0001112${contaCorrente.padStart(7, '0').slice(-7)}${nossoNumero}` });
    const location = `${host}/pj-pix/cobv/${randomUUID().replace(/-/g, '')}`;
    const c: SimCobranca = {
      codigoSolicitacao: randomUUID(),
      seuNumero: b.seuNumero as string,
      dataEmissao: todayInSaoPaulo(now),
      dataVencimento: b.dataVencimento as string,
      valorNominal: valor,
      numDiasAgenda: b.numDiasAgenda as number,
      situacao: 'EM_PROCESSAMENTO',
      dataSituacao: todayInSaoPaulo(now),
      dataHoraSituacao: now.toISOString(),
      pagador: b.pagador as Record<string, string>,
      ...(isObject(b.mensagem) ? { mensagem: b.mensagem as Record<string, string> } : {}),
      processingReads: options.processingReads ?? 1,
      nossoNumero,
      codigoBarras,
      linhaDigitavel: barcodeToDigitableLine(codigoBarras),
      txid: randomUUID().replace(/-/g, '').slice(0, 30),
      pixCopiaECola: buildBrCode({ url: location, merchantName: 'Loja Simulada', merchantCity: 'Sao Paulo' }),
    };
    cobrancas.set(c.codigoSolicitacao, c);
    return { status: 200, body: { codigoSolicitacao: c.codigoSolicitacao } };
  }

  function list(req: SimRequest): SimResponse {
    const q = req.query;
    const inicio = q.get('dataInicial') ?? '';
    const fim = q.get('dataFinal') ?? '';
    const by = q.get('filtrarDataPor') ?? 'VENCIMENTO';
    const situacao = q.get('situacao');
    const page = Number(q.get('paginacao.paginaAtual') ?? 0);
    const size = Number(q.get('paginacao.itensPorPagina') ?? 100);
    const violacoes: Violacao[] = [];
    if (!/^\d{4}-\d{2}-\d{2}$/.test(inicio)) violacoes.push({ razao: 'deve estar no formato yyyy-MM-dd', propriedade: 'dataInicial', valor: inicio });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(fim)) violacoes.push({ razao: 'deve estar no formato yyyy-MM-dd', propriedade: 'dataFinal', valor: fim });
    else if (fim < inicio) violacoes.push({ razao: 'dataFinal deve ser igual ou posterior a dataInicial', propriedade: 'dataFinal', valor: fim });
    if (!['VENCIMENTO', 'EMISSAO', 'PAGAMENTO'].includes(by)) violacoes.push({ razao: 'deve ser VENCIMENTO, EMISSAO ou PAGAMENTO', propriedade: 'filtrarDataPor', valor: by });
    if (situacao && !situacao.split(',').every((s) => SITUACOES.has(s))) violacoes.push({ razao: 'situação inválida', propriedade: 'situacao', valor: situacao });
    if (!Number.isInteger(page) || page < 0) violacoes.push({ razao: 'deve ser maior ou igual a 0', propriedade: 'paginacao.paginaAtual' });
    if (!Number.isInteger(size) || size < 1 || size > 1000) violacoes.push({ razao: 'deve estar entre 1 e 1000', propriedade: 'paginacao.itensPorPagina' });
    if (violacoes.length) return interError(400, 'Bad Request', 'Existem parâmetros inválidos.', violacoes);
    const dateOf = (c: SimCobranca) => (by === 'EMISSAO' ? c.dataEmissao : by === 'PAGAMENTO' ? (c.situacao === 'RECEBIDO' ? c.dataSituacao : '') : c.dataVencimento);
    const rows = [...cobrancas.values()]
      .filter((c) => {
        const d = dateOf(c);
        return d && d >= inicio && d <= fim;
      })
      .filter((c) => !situacao || situacao.split(',').includes(c.situacao))
      .filter((c) => !q.get('seuNumero') || c.seuNumero === q.get('seuNumero'))
      .filter((c) => !q.get('cpfCnpjPessoaPagadora') || c.pagador.cpfCnpj === q.get('cpfCnpjPessoaPagadora'));
    const totalPaginas = Math.max(1, Math.ceil(rows.length / size));
    const slice = rows.slice(page * size, (page + 1) * size);
    return {
      status: 200,
      body: {
        totalPaginas,
        totalElementos: rows.length,
        ultimaPagina: page + 1 >= totalPaginas,
        primeiraPagina: page === 0,
        tamanhoPagina: size,
        numeroDeElementos: slice.length,
        cobrancas: slice.map(read),
      },
    };
  }

  const sim = await startMtlsSimulator({
    port: options.port,
    organization: 'Banco Inter Simulado',
    tokenPath: '/oauth/v2/token',
    clientAuth: 'body',
    scopes: ['boleto-cobranca.read', 'boleto-cobranca.write'],
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    scopeFor: (req) => (req.path.startsWith(COBRANCAS) ? (req.method === 'GET' ? 'boleto-cobranca.read' : 'boleto-cobranca.write') : null),
    // x-conta-corrente, when sent, must name the application's account.
    check: (req) => {
      const account = req.headers['x-conta-corrente'];
      return account === undefined || account === contaCorrente ? null : interError(403, 'Forbidden', `A conta corrente ${String(account)} não está vinculada a esta integração.`);
    },
    errors: {
      unauthorized: (detail) => interError(401, 'Unauthorized', detail),
      forbidden: (detail) => interError(403, 'Forbidden', detail),
      throttled: (seconds) => interError(429, 'Too Many Requests', 'Limite de requisições excedido. Tente novamente em instantes.', undefined, { 'retry-after': String(seconds) }),
      unavailable: () => interError(503, 'Service Unavailable', 'Serviço temporariamente indisponível.'),
    },
    notFound: (req) => interError(404, 'Not Found', `Recurso não encontrado: ${req.method} ${req.path}`),
    routes: [
      {
        method: 'PUT',
        path: `${COBRANCAS}/webhook`,
        handler: (req) => {
          const url = isObject(req.body) ? req.body.webhookUrl : undefined;
          if (!isWebhookUrl(url)) return interError(400, 'Bad Request', 'Existem campos inválidos.', [{ razao: 'deve ser uma URL válida', propriedade: 'webhookUrl', valor: String(url ?? '') }]);
          webhook.url = url;
          webhook.criacao = new Date().toISOString();
          return { status: 204 };
        },
      },
      {
        method: 'GET',
        path: `${COBRANCAS}/webhook`,
        handler: () => (webhook.url ? { status: 200, body: { webhookUrl: webhook.url, criacao: webhook.criacao } } : interError(404, 'Not Found', 'Webhook não encontrado.')),
      },
      {
        method: 'DELETE',
        path: `${COBRANCAS}/webhook`,
        handler: () => {
          webhook.url = null;
          return { status: 204 };
        },
      },
      { method: 'POST', path: COBRANCAS, handler: issue },
      { method: 'GET', path: COBRANCAS, handler: list },
      {
        method: 'GET',
        path: `${COBRANCAS}/:codigoSolicitacao`,
        handler: (req) => {
          const c = cobrancas.get(req.params.codigoSolicitacao);
          return c ? { status: 200, body: read(c) } : interError(404, 'Not Found', `Cobrança ${req.params.codigoSolicitacao} não encontrada.`);
        },
      },
    ],
  });
  host = new URL(sim.url).host;

  return {
    ...sim,
    credentials: { ...sim.credentials, contaCorrente },
    baseUrl: sim.url,
    cobrancas,
    webhook,
    async pay(seuNumero, { via = 'BOLETO', amount, at = new Date() } = {}) {
      const live = [...cobrancas.values()].filter((c) => c.seuNumero === seuNumero && ['A_RECEBER', 'ATRASADO', 'EM_PROCESSAMENTO'].includes(c.situacao));
      const c = live[live.length - 1];
      if (!c) throw new Error(`The simulator has no payable cobrança with seuNumero ${seuNumero}`);
      settle(c, 'RECEBIDO', at);
      c.valorTotalRecebido = amount ?? formatCents(Math.round(c.valorNominal * 100));
      c.origemRecebimento = via;
      return { cobranca: c, delivery: await notify(c) };
    },
    redeliver,
    async setSituacao(codigoSolicitacao, situacao) {
      const c = cobrancas.get(codigoSolicitacao);
      if (!c) throw new Error(`The simulator has no cobrança ${codigoSolicitacao}`);
      settle(c, situacao);
      return notify(c);
    },
  };
}
