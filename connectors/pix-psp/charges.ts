/**
 * Pix charges through API Pix: an immediate charge (`cob`, payable for `calendario.expiracao`
 * seconds) or a charge with a due date (`cobv`, which requires the payer). The txid is Ponte's
 * reference, chosen by the caller, so `PUT /cob/{txid}` is naturally idempotent: when the PSP
 * says the txid is taken (the spec's 400 `CobOperacaoInvalida`; 409 at some PSPs), the charge
 * is read back and returned, and a retried run neither fails nor charges twice.
 */
import { amountToCents, formatCents } from '../../payments/money';
import { buildBrCode } from '../../payments/pix/br-code';
import { ConfigError, Conflict, nullIfNotFound, ValidationError } from '../http/errors';
import type { Charge, ChargeRequest, ConnectionContext, PaymentsSupport } from '../types';
import { type Cob, pixKeyOf, TXID_PATTERN } from './client';

type CobKind = 'cob' | 'cobv';

/** Days a `cobv` stays payable after its due date when the connection does not say (the spec's default). */
const DEFAULT_DAYS_AFTER_DUE = 30;
/**
 * A due date falling on a weekend or holiday moves to the next business day (spec,
 * `validadeAposVencimento`); 4 days covers the longest such stretch (Carnival), so a charge is
 * called expired only once it surely is.
 */
const HOLIDAY_SLACK_DAYS = 4;
const PAYER_REQUEST_MAX = 140;

function kindOf(kind: ChargeRequest['kind']): CobKind {
  if (kind === 'pix') return 'cob';
  if (kind === 'pix-due') return 'cobv';
  throw new ConfigError(`A Pix (API Pix) connection creates Pix charges ("pix", "pix-due"), not "${kind}"`);
}

function txidOf(reference: string): string {
  if (!TXID_PATTERN.test(reference ?? '')) {
    throw new ValidationError(`The Pix txid (the charge reference) must be 26 to 35 letters and digits (API Pix TxId), got "${reference}"`);
  }
  return reference;
}

/** `devedor`: a CPF (11 digits) or CNPJ (14, letters allowed since the alphanumeric CNPJ) and the name. */
function devedorOf(payer: NonNullable<ChargeRequest['payer']>, withAddress: boolean): Record<string, string> {
  const document = String(payer.document ?? '').replace(/[.\-/\s]/g, '').toUpperCase();
  const id: Record<string, string> = /^\d{11}$/.test(document) ? { cpf: document } : /^[0-9A-Z]{14}$/.test(document) ? { cnpj: document } : {};
  if (!Object.keys(id).length) throw new ValidationError(`The payer's document must be a CPF (11 digits) or a CNPJ (14 characters), got "${payer.document}"`);
  const nome = String(payer.name ?? '').trim();
  if (!nome) throw new ValidationError('The payer needs a name (API Pix devedor.nome)');
  const out: Record<string, string> = { ...id, nome: nome.slice(0, 200) };
  if (!withAddress) return out;
  const a = payer.address ?? {};
  const street = [a.street, a.number].filter(Boolean).join(', ') + (a.district ? ` - ${a.district}` : '');
  if (payer.email) out.email = payer.email;
  if (street) out.logradouro = street.slice(0, 200);
  if (a.city) out.cidade = a.city.slice(0, 200);
  if (a.state) out.uf = a.state.trim().toUpperCase().slice(0, 2);
  if (a.postalCode) out.cep = a.postalCode.replace(/\D/g, '').slice(0, 8);
  return out;
}

function chargeBody(ctx: ConnectionContext, kind: CobKind, req: ChargeRequest): Record<string, unknown> {
  const cents = amountToCents(req.amount, 'amount');
  if (cents <= 0) throw new ValidationError(`The charge amount must be greater than zero, got "${req.amount}"`);
  const body: Record<string, unknown> = { valor: { original: formatCents(cents) }, chave: pixKeyOf(ctx) };
  if (kind === 'cob') {
    if (req.expiresInSeconds !== undefined) {
      if (!Number.isInteger(req.expiresInSeconds) || req.expiresInSeconds <= 0) throw new ValidationError(`expiresInSeconds must be a whole number of seconds above zero, got ${req.expiresInSeconds}`);
      body.calendario = { expiracao: req.expiresInSeconds };
    }
    if (req.payer) body.devedor = devedorOf(req.payer, false);
  } else {
    if (!req.dueDate || !/^\d{4}-\d{2}-\d{2}$/.test(req.dueDate)) throw new ValidationError(`A Pix charge with a due date needs dueDate as YYYY-MM-DD, got "${req.dueDate ?? ''}"`);
    // The spec requires the payer on a cobv (CobVSolicitada.devedor): refused here, before the PSP does.
    if (!req.payer) throw new ValidationError('A Pix charge with a due date (cobv) needs the payer: name and CPF/CNPJ (API Pix devedor)');
    const days = Number(ctx.settings.daysPayableAfterDue ?? DEFAULT_DAYS_AFTER_DUE);
    body.calendario = { dataDeVencimento: req.dueDate, validadeAposVencimento: Number.isInteger(days) && days >= 0 ? days : DEFAULT_DAYS_AFTER_DUE };
    body.devedor = devedorOf(req.payer, true);
  }
  if (req.description?.trim()) body.solicitacaoPagador = req.description.trim().slice(0, PAYER_REQUEST_MAX);
  return body;
}

function isExpired(cob: Cob, now = Date.now()): boolean {
  const cal = cob.calendario ?? {};
  if (cal.dataDeVencimento) {
    const days = Number(cal.validadeAposVencimento ?? DEFAULT_DAYS_AFTER_DUE) + HOLIDAY_SLACK_DAYS + 1;
    // The last payable day ends at midnight in Brasília (UTC-3).
    return Date.parse(`${cal.dataDeVencimento}T00:00:00-03:00`) + days * 86_400_000 <= now;
  }
  const created = Date.parse(cal.criacao ?? '');
  const seconds = Number(cal.expiracao ?? 86_400);
  return Number.isFinite(created) && created + seconds * 1000 <= now;
}

export function statusOf(cob: Cob): Charge['status'] {
  if (cob.status === 'CONCLUIDA') return 'paid';
  if (/^REMOVID[AO]_/.test(cob.status)) return 'cancelled';
  // ATIVA says the record was neither paid nor removed, not that it can still be paid.
  return isExpired(cob) ? 'expired' : 'pending';
}

export function chargeOf(ctx: ConnectionContext, cob: Cob): Charge {
  const location = cob.loc?.location ?? cob.location;
  let pixCopiaECola = cob.pixCopiaECola;
  // PSPs on API Pix before 2.x do not return the BR Code: it is built from the location when the
  // connection says the receiver's name and city (what the payer's app shows).
  const { merchantName, merchantCity } = ctx.settings as { merchantName?: string; merchantCity?: string };
  if (!pixCopiaECola && location && merchantName && merchantCity) pixCopiaECola = buildBrCode({ url: location, merchantName, merchantCity, truncate: true });
  return {
    providerId: cob.txid,
    reference: cob.txid,
    status: statusOf(cob),
    amount: cob.valor?.original ?? '',
    ...(pixCopiaECola ? { pixCopiaECola } : {}),
    ...(location ? { location } : {}),
  };
}

async function fetchCob(ctx: ConnectionContext, kind: CobKind, txid: string): Promise<Cob | null> {
  const res = await nullIfNotFound(ctx.http.send<Cob>({ method: 'GET', path: `/v2/${kind}/${txid}` }, ctx.signal));
  return res?.body ?? null;
}

export const payments: PaymentsSupport = {
  kinds: ['pix', 'pix-due'],

  async createCharge(ctx, req) {
    const kind = kindOf(req.kind);
    const txid = txidOf(req.reference);
    const body = chargeBody(ctx, kind, req);
    try {
      const res = await ctx.http.send<Cob>({ method: 'PUT', path: `/v2/${kind}/${txid}`, json: body }, ctx.signal);
      return chargeOf(ctx, res.body);
    } catch (err) {
      if (!(err instanceof ValidationError || err instanceof Conflict)) throw err;
      // The spec has no "txid in use" error of its own: whatever the PSP said, a charge already
      // under this txid is the one a previous attempt created. None: the refusal stands.
      const existing = await fetchCob(ctx, kind, txid);
      if (!existing) throw err;
      const amount = (body.valor as { original: string }).original;
      if (existing.valor?.original !== amount) {
        throw new Conflict(`A Pix charge with txid ${txid} already exists at the PSP for ${existing.valor?.original ?? '?'}, not ${amount}: a reference names one charge`, {
          status: err.status,
          providerMessage: err.providerMessage,
        });
      }
      return chargeOf(ctx, existing);
    }
  },

  async getCharge(ctx, reference, kind) {
    if (!TXID_PATTERN.test(reference ?? '')) return null;
    const cob = await fetchCob(ctx, kindOf(kind), reference);
    return cob ? chargeOf(ctx, cob) : null;
  },

  async registerWebhook(ctx, url) {
    await ctx.http.send({ method: 'PUT', path: `/v2/webhook/${encodeURIComponent(pixKeyOf(ctx))}`, json: { webhookUrl: url } }, ctx.signal);
  },
};
