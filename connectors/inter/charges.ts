/**
 * Boletos with Pix at Banco Inter: `POST /cobranca/v3/cobrancas` answers only a
 * `codigoSolicitacao`; the boleto (barcode, line, nosso número) and the Pix copy-and-paste appear
 * on `GET /cobrancas/{codigoSolicitacao}` once Inter has registered it (`EM_PROCESSAMENTO` until
 * then). Inter does not refuse a repeated `seuNumero`, so idempotence is Ponte's: before creating,
 * the cobranças issued lately under that seuNumero are looked up, and one found is returned.
 */
import { todayInSaoPaulo } from '../../payments/boleto/due-date-factor';
import { amountToCents } from '../../payments/money';
import { sleep } from '../http/pacing';
import { ConfigError, ValidationError } from '../http/errors';
import type { Charge, ChargeRequest, ConnectionContext, PaymentsSupport } from '../types';
import { COBRANCAS, type InterCobranca, type InterPage, reais } from './client';

/** Inter's limit on `seuNumero`. */
export const SEU_NUMERO_MAX = 15;
const DEFAULT_DAYS_AFTER_DUE = 30;
/** How far back the seuNumero lookup reaches (issue date), unless the connection says otherwise. */
const DEFAULT_LOOKUP_DAYS = 60;
/** Boleto message: 5 lines of at most 78 characters (`mensagem.linha1`…`linha5`). */
const MESSAGE_LINES = 5;
const MESSAGE_LINE_MAX = 78;

export function seuNumeroOf(reference: string): string {
  const value = String(reference ?? '');
  if (!value.trim() || value !== value.trim() || value.length > SEU_NUMERO_MAX || !/^[\x20-\x7E]+$/.test(value)) {
    throw new ValidationError(`Banco Inter's "seu número" (the charge reference) has 1 to ${SEU_NUMERO_MAX} plain characters; got "${value}" (${value.length}). Pass a short reference, e.g. the order number.`);
  }
  return value;
}

function isoDay(offsetDays: number, from = new Date()): string {
  return todayInSaoPaulo(new Date(from.getTime() + offsetDays * 86_400_000));
}

/** `pagador` as Inter requires it: document, person type, name and the full address. */
function pagadorOf(payer: ChargeRequest['payer']): Record<string, string> {
  if (!payer) throw new ValidationError('A boleto needs the payer: name, CPF/CNPJ and address (Banco Inter pagador)');
  const cpfCnpj = String(payer.document ?? '').replace(/\D/g, '');
  if (cpfCnpj.length !== 11 && cpfCnpj.length !== 14) throw new ValidationError(`The payer's document must be a CPF (11 digits) or CNPJ (14 digits), got "${payer.document}"`);
  const a = payer.address ?? {};
  const cep = String(a.postalCode ?? '').replace(/\D/g, '');
  const missing = [
    ['name', payer.name],
    ['address.street', a.street],
    ['address.city', a.city],
    ['address.state', a.state],
  ]
    .filter(([, v]) => !String(v ?? '').trim())
    .map(([k]) => k);
  if (cep.length !== 8) missing.push('address.postalCode (8 digits)');
  if (missing.length) throw new ValidationError(`Banco Inter registers a boleto only with the payer's name and address; missing: ${missing.join(', ')}`);
  const out: Record<string, string> = {
    cpfCnpj,
    tipoPessoa: cpfCnpj.length === 11 ? 'FISICA' : 'JURIDICA',
    nome: payer.name.trim().slice(0, 100),
    endereco: String(a.street).trim().slice(0, 100),
    cidade: String(a.city).trim().slice(0, 60),
    uf: String(a.state).trim().toUpperCase().slice(0, 2),
    cep,
  };
  if (a.number) out.numero = String(a.number).slice(0, 10);
  if (a.district) out.bairro = String(a.district).slice(0, 60);
  if (payer.email) out.email = payer.email.slice(0, 50);
  return out;
}

/** The description in the boleto's message lines, cut at word boundaries. */
function mensagemOf(description: string | undefined): Record<string, string> | undefined {
  const words = String(description ?? '').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return undefined;
  const lines: string[] = [''];
  for (const word of words) {
    const line = lines[lines.length - 1];
    const next = line ? `${line} ${word}` : word;
    if (next.length <= MESSAGE_LINE_MAX) lines[lines.length - 1] = next;
    else if (lines.length < MESSAGE_LINES) lines.push(word.slice(0, MESSAGE_LINE_MAX));
    else break;
  }
  return Object.fromEntries(lines.map((l, i) => [`linha${i + 1}`, l]));
}

export function chargeStatus(situacao: string): Charge['status'] {
  switch (situacao) {
    case 'RECEBIDO':
    case 'MARCADO_RECEBIDO':
      return 'paid';
    case 'CANCELADO':
    case 'FALHA_EMISSAO':
      return 'cancelled';
    case 'EXPIRADO':
      return 'expired';
    default:
      // A_RECEBER, ATRASADO (overdue, still payable), EM_PROCESSAMENTO, PROTESTO.
      return 'pending';
  }
}

export function chargeOf(c: InterCobranca): Charge {
  const charge: Charge = {
    providerId: c.cobranca.codigoSolicitacao,
    reference: c.cobranca.seuNumero,
    status: chargeStatus(c.cobranca.situacao),
    amount: reais(c.cobranca.valorNominal),
  };
  if (c.boleto?.codigoBarras) charge.barcode = c.boleto.codigoBarras;
  if (c.boleto?.linhaDigitavel) charge.digitableLine = c.boleto.linhaDigitavel;
  if (c.boleto?.nossoNumero) charge.nossoNumero = c.boleto.nossoNumero;
  if (c.pix?.pixCopiaECola) charge.pixCopiaECola = c.pix.pixCopiaECola;
  return charge;
}

export async function fetchCobranca(ctx: ConnectionContext, codigoSolicitacao: string): Promise<InterCobranca> {
  return (await ctx.http.send<InterCobranca>({ method: 'GET', path: `${COBRANCAS}/${encodeURIComponent(codigoSolicitacao)}` }, ctx.signal)).body;
}

/** The cobrança issued lately under this seuNumero, if any; one whose issuing failed does not count. */
async function findBySeuNumero(ctx: ConnectionContext, seuNumero: string): Promise<InterCobranca | null> {
  const days = Number(ctx.settings.lookupDays ?? DEFAULT_LOOKUP_DAYS);
  const query = {
    dataInicial: isoDay(-(Number.isInteger(days) && days > 0 ? days : DEFAULT_LOOKUP_DAYS)),
    dataFinal: isoDay(1),
    filtrarDataPor: 'EMISSAO',
    seuNumero,
    'paginacao.itensPorPagina': 100,
  };
  const res = await ctx.http.send<InterPage>({ method: 'GET', path: COBRANCAS, query }, ctx.signal);
  const found = (res.body?.cobrancas ?? []).filter((c) => c?.cobranca?.seuNumero === seuNumero && c.cobranca.situacao !== 'FALHA_EMISSAO');
  // A live one first (several exist only if someone issued the same number by hand), then the newest.
  found.sort((a, b) => Number(chargeStatus(b.cobranca.situacao) !== 'cancelled') - Number(chargeStatus(a.cobranca.situacao) !== 'cancelled') || String(b.cobranca.dataEmissao ?? '').localeCompare(String(a.cobranca.dataEmissao ?? '')));
  return found[0] ?? null;
}

/** Reads the cobrança until Inter has registered the boleto, for a few seconds at most. */
async function untilRegistered(ctx: ConnectionContext, codigoSolicitacao: string): Promise<InterCobranca> {
  const attempts = Math.max(1, Number(ctx.settings.issuePollAttempts ?? 5));
  const waitMs = Math.max(0, Number(ctx.settings.issuePollMs ?? 1_000));
  let c = await fetchCobranca(ctx, codigoSolicitacao);
  for (let i = 1; i < attempts && c.cobranca.situacao === 'EM_PROCESSAMENTO'; i++) {
    await sleep(waitMs, ctx.signal);
    c = await fetchCobranca(ctx, codigoSolicitacao);
  }
  if (c.cobranca.situacao === 'FALHA_EMISSAO') {
    throw new ValidationError(`Banco Inter could not register the boleto "${c.cobranca.seuNumero}" (situação FALHA_EMISSAO, codigoSolicitacao ${codigoSolicitacao}): check the payer's data`);
  }
  return c;
}

export const payments: PaymentsSupport = {
  kinds: ['boleto'],

  async createCharge(ctx, req) {
    if (req.kind !== 'boleto') throw new ConfigError(`A Banco Inter connection creates boletos, not "${req.kind}"`);
    const seuNumero = seuNumeroOf(req.reference);
    const cents = amountToCents(req.amount, 'amount');
    if (!req.dueDate || !/^\d{4}-\d{2}-\d{2}$/.test(req.dueDate)) throw new ValidationError(`A boleto needs dueDate as YYYY-MM-DD, got "${req.dueDate ?? ''}"`);
    const days = Number(ctx.settings.daysPayableAfterDue ?? DEFAULT_DAYS_AFTER_DUE);
    const body: Record<string, unknown> = {
      seuNumero,
      valorNominal: cents / 100,
      dataVencimento: req.dueDate,
      // Days the boleto stays payable after the due date before Inter cancels it (0 to 60).
      numDiasAgenda: Number.isInteger(days) && days >= 0 && days <= 60 ? days : DEFAULT_DAYS_AFTER_DUE,
      pagador: pagadorOf(req.payer),
    };
    const mensagem = mensagemOf(req.description);
    if (mensagem) body.mensagem = mensagem;

    const existing = await findBySeuNumero(ctx, seuNumero);
    if (existing) {
      const registered = existing.cobranca.situacao === 'EM_PROCESSAMENTO' ? await untilRegistered(ctx, existing.cobranca.codigoSolicitacao) : existing;
      return chargeOf(registered);
    }
    const created = await ctx.http.send<{ codigoSolicitacao?: string }>({ method: 'POST', path: COBRANCAS, json: body }, ctx.signal);
    const codigo = created.body?.codigoSolicitacao;
    if (!codigo) throw new ValidationError(`Banco Inter accepted the boleto "${seuNumero}" without a codigoSolicitacao: ${created.text.slice(0, 200)}`);
    return chargeOf(await untilRegistered(ctx, codigo));
  },

  async getCharge(ctx, reference, kind) {
    if (kind !== 'boleto') throw new ConfigError(`A Banco Inter connection has boletos, not "${kind}" charges`);
    const found = await findBySeuNumero(ctx, seuNumeroOf(reference));
    return found ? chargeOf(found) : null;
  },

  async registerWebhook(ctx, url) {
    await ctx.http.send({ method: 'PUT', path: `${COBRANCAS}/webhook`, json: { webhookUrl: url } }, ctx.signal);
  },
};
