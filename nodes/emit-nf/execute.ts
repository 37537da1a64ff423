/**
 * The emit-nf node, one page of orders at a time. Per order, a small state machine kept in the
 * fiscal ledger (server/fiscal/ledger.ts):
 *   new → checked (built, signed and schema-valid with a trial number: no number is spent on a
 *   document SEFAZ would refuse for its form) → numbered, signed, stored → sending → authorised
 *   | rejected | denied; later, by a person at SEFAZ: authorised → cancelled, rejected → voided.
 * An answer that never came (timeout, dropped connection, SEFAZ unavailable) leaves the document
 * `sending`; the retry consults SEFAZ by its access key before anything else and sends the same
 * signed XML only when SEFAZ does not know it. Numbers are never drawn twice for one order.
 */
import { ConfigError, ConnectorError, messageOfError, Transient } from '../../connectors/http/errors';
import { openConnection } from '../../connectors/runtime';
import { a1Certificate, sefazSettings } from '../../connectors/sefaz/client';
import { NFE_DATA_HINTS } from '../../connectors/sefaz/hints';
import { cstatHintOf } from '../../connectors/sefaz/protocol';
import type { ConnectionContext, FiscalSupport, SyncRecord } from '../../connectors/types';
import {
  type A1Certificate,
  addNfceSupplement,
  buildNfe,
  type Issuer,
  type Model,
  type NfeInput,
  type NfeItem,
  nfceQrCodeOf,
  parseAccessKey,
  type Recipient,
  type SefazOutcome,
  signNfe,
  validateNfe,
} from '../../fiscal';
import { FiscalDataError } from '../../fiscal/errors';
import { allocateNumber, documentOf, type FiscalDocument, orderRefOf, storeSigned, updateDocument } from '../../server/fiscal/ledger';
import type { EffectContext, EffectExecutor, OutcomeRow } from '../executor';
import { compileRecordExpression, type RecordExpression } from '../record-expressions';
import { issuerOf } from './issuer';
import { EMIT_NF_MESSAGES } from './messages';

interface Issuing {
  ctx: EffectContext;
  sefaz: ConnectionContext;
  fiscal: FiscalSupport;
  connectionId: string;
  issuer: Issuer;
  environment: 1 | 2;
  certificate: A1Certificate;
  model: Model;
  series: number;
  firstNumber: number;
  /** NFC-e only: the QR code's consultation URL and the CSC. */
  nfce?: { url: string; urlChave: string; csc: string; cscId: string };
}

type Exprs = Record<'items' | 'recipient' | 'additionalInfo' | 'intermediary', RecordExpression | null>;

export const emitNfExecutor: EffectExecutor = {
  async executePage(ctx, params, records) {
    const conn = await ctx.loadConnection(params.connectionId as string);
    const { connector, ctx: sefaz } = openConnection(conn, ctx.pacers, ctx.signal);
    const { environment } = sefazSettings(conn.settings);
    const model = ((params.model as number | undefined) ?? 55) as Model;
    const issuing: Issuing = {
      ctx,
      sefaz,
      fiscal: connector.fiscal!,
      connectionId: conn.id,
      issuer: issuerOf(conn.settings),
      environment,
      // A wrong password or an expired certificate fails the run here, in words, before any order.
      certificate: a1Certificate(conn.credentials),
      model,
      series: (params.series as number | undefined) ?? 1,
      firstNumber: (params.firstNumber as number | undefined) ?? 1,
      nfce: model === 65 ? nfceSettings(conn.settings, conn.credentials) : undefined,
    };
    const exprs: Exprs = {
      items: compileRecordExpression(params.items),
      recipient: compileRecordExpression(params.recipient),
      additionalInfo: compileRecordExpression(params.additionalInfo),
      intermediary: compileRecordExpression(params.intermediary),
    };

    const outcomes: OutcomeRow[] = [];
    const output: SyncRecord[] = [];
    for (const record of records) {
      // One note per order of the source, whichever flow asks (a copied flow never invoices twice).
      const scope = {
        tenantId: ctx.tenantId,
        issuerCnpj: issuing.issuer.cnpj,
        environment: issuing.environment,
        orderRef: orderRefOf(ctx.sourceConnectionId, record.key),
        flowId: ctx.flowId,
        nodeId: ctx.nodeId,
        recordKey: record.key,
      };
      try {
        let doc = await documentOf(ctx.db, scope);
        if (doc?.status === 'authorized') {
          // Authorised by this very run (an attempt that failed later in the page): reported as it was then.
          outcomes.push(
            doc.runId === ctx.runId
              ? authorised(record.key, doc)
              : { recordKey: record.key, outcome: 'skipped', externalId: doc.accessKey, ...EMIT_NF_MESSAGES.of('authorisedBefore', { number: doc.number, series: doc.series, protocol: doc.protocol }) },
          );
          output.push(withInvoice(record, doc));
          continue;
        }
        // A person cancelled the invoice or voided its number at SEFAZ: the order is not invoiced again on its own.
        if (doc?.status === 'cancelled' || doc?.status === 'voided') {
          const said =
            doc.status === 'cancelled'
              ? EMIT_NF_MESSAGES.of('cancelledBefore', { number: doc.number, series: doc.series, protocol: doc.protocol })
              : EMIT_NF_MESSAGES.of('voidedBefore', { number: doc.number, series: doc.series });
          outcomes.push({ recordKey: record.key, outcome: 'skipped', externalId: doc.accessKey, ...said });
          continue;
        }
        if (doc?.status === 'denied') {
          outcomes.push({ recordKey: record.key, outcome: 'failed', errorKind: 'ValidationError', externalId: doc.accessKey, ...EMIT_NF_MESSAGES.of('deniedBefore', { number: doc.number, cStat: doc.cStat, reason: doc.reason }), ...cstatHintOf(doc.cStat ?? '') });
          continue;
        }
        let outcome: SefazOutcome | undefined;
        // An earlier attempt may have reached SEFAZ: ask before sending anything.
        if (doc && (doc.status === 'signed' || doc.status === 'sending')) {
          const known = await issuing.fiscal.consult(sefaz, doc.accessKey, model);
          if (known.kind === 'authorized') {
            doc = await settle(issuing, doc, known);
            outcomes.push(authorised(record.key, doc, 'consulted'));
            output.push(withInvoice(record, doc));
            continue;
          }
          if (known.kind === 'unavailable') throw new Transient(`SEFAZ is unavailable (${known.cStat}: ${known.reason}); invoice ${doc.number} will be consulted again`);
          // Denied already: recorded, never sent again. Unknown to SEFAZ (217): the same signed XML goes.
          if (known.kind === 'denied') outcome = known;
        } else {
          doc = await numberAndSign(issuing, await inputOf(issuing, params, exprs, record, doc), record.key, scope.orderRef, doc);
        }
        outcome ??= await send(issuing, doc);
        doc = await settle(issuing, doc, outcome);
        if (doc.status === 'authorized') {
          outcomes.push(authorised(record.key, doc));
          output.push(withInvoice(record, doc));
        } else {
          outcomes.push({
            recordKey: record.key,
            outcome: 'failed',
            errorKind: 'ValidationError',
            externalId: doc.accessKey,
            ...EMIT_NF_MESSAGES.of('refused', { status: doc.status, number: doc.number, series: doc.series, cStat: doc.cStat, reason: doc.reason }),
            ...cstatHintOf(doc.cStat ?? ''),
            details: { cStat: doc.cStat, accessKey: doc.accessKey, number: doc.number },
            payload: { accessKey: doc.accessKey, number: doc.number },
          });
        }
      } catch (err) {
        if (!(err instanceof ConnectorError) || err.failsRun) throw err;
        outcomes.push({ recordKey: record.key, outcome: 'failed', errorKind: err.kind, ...messageOfError(err), ...fixFor(err), details: err instanceof FiscalDataError ? { field: err.field } : undefined, payload: record.data });
      }
      ctx.heartbeat();
    }
    return { outcomes, output, commit: async () => {} };
  },
};

/** The order as an NfeInput; `doc` given (a rejected invoice being fixed): its number and cNF are kept. */
async function inputOf(issuing: Issuing, params: Record<string, unknown>, exprs: Exprs, record: SyncRecord, doc: FiscalDocument | undefined): Promise<NfeInput> {
  const evaluate = async (e: RecordExpression | null, field: string) => {
    if (!e) return undefined;
    try {
      return await e(record);
    } catch (err) {
      throw new FiscalDataError(field, EMIT_NF_MESSAGES.of('expressionFailed', { field, error: (err as Error).message }));
    }
  };
  const recipient = (await evaluate(exprs.recipient, 'recipient')) as Recipient | undefined;
  if (issuing.model === 55 && !recipient) throw new FiscalDataError('recipient', EMIT_NF_MESSAGES.of('recipientMissing'));
  const rawItems = await evaluate(exprs.items, 'items');
  const list = (Array.isArray(rawItems) ? rawItems : rawItems ? [rawItems] : []) as Array<Partial<NfeItem> & { taxes?: Partial<NfeItem['taxes']> }>;
  if (!list.length) throw new FiscalDataError('items', EMIT_NF_MESSAGES.of('noItems'));
  const taxes = (params.taxes ?? {}) as Record<string, unknown>;
  const interstate = Boolean(recipient?.address?.uf && recipient.address.uf.toUpperCase() !== issuing.issuer.address.uf);
  const simples = issuing.issuer.crt === 1 || issuing.issuer.crt === 4;
  const items: NfeItem[] = list.map((item) => ({
    code: String(item.code ?? ''),
    gtin: item.gtin,
    description: String(item.description ?? ''),
    ncm: String(item.ncm ?? ''),
    cest: item.cest,
    cfop: String(item.cfop ?? (interstate ? (taxes.cfopInterstate ?? '6102') : (taxes.cfop ?? '5102'))),
    unit: String(item.unit ?? 'UN'),
    quantity: Number(item.quantity),
    unitPrice: Number(item.unitPrice),
    discount: item.discount === undefined ? undefined : Number(item.discount),
    freight: item.freight === undefined ? undefined : Number(item.freight),
    taxes: {
      origin: Number(taxes.origin ?? 0),
      ...(simples ? { csosn: String(taxes.csosn ?? '102') } : { cst: taxes.cst as string | undefined, icmsRate: taxes.icmsRate as number | undefined }),
      pisCst: String(taxes.pisCst ?? '49'),
      pisRate: taxes.pisRate as number | undefined,
      cofinsCst: String(taxes.cofinsCst ?? '49'),
      cofinsRate: taxes.cofinsRate as number | undefined,
      ...item.taxes,
    },
  }));
  const total = round2(items.reduce((sum, it) => sum + round2(it.quantity * it.unitPrice) - (it.discount ?? 0) + (it.freight ?? 0), 0));
  const additionalInfo = await evaluate(exprs.additionalInfo, 'additionalInfo');
  const intermediary = (await evaluate(exprs.intermediary, 'intermediary')) as NfeInput['intermediary'];
  return {
    model: issuing.model,
    environment: issuing.environment,
    series: issuing.series,
    number: doc?.number ?? 1,
    cnf: doc ? parseAccessKey(doc.accessKey).cnf : undefined,
    issuedAt: brasiliaNow(),
    operation: String(params.operation ?? 'VENDA'),
    issuer: issuing.issuer,
    recipient,
    items,
    payments: [{ method: String(params.paymentMethod ?? '17'), amount: total }],
    freightMode: ((params.freightMode as number | undefined) ?? 9) as NfeInput['freightMode'],
    presence: (params.presence as number | undefined) ?? (issuing.model === 65 ? 1 : 2),
    additionalInfo: additionalInfo ? String(additionalInfo) : undefined,
    intermediary: intermediary ?? undefined,
  };
}

/**
 * Checks the document with a trial number first (schema problems are the order's, and must not
 * spend a number), then numbers it — or keeps the number of the rejected invoice it fixes —
 * signs it and stores it before it is sent.
 */
async function numberAndSign(issuing: Issuing, input: NfeInput, recordKey: string, orderRef: string, previous: FiscalDocument | undefined): Promise<FiscalDocument> {
  const { ctx } = issuing;
  const trial = finish(issuing, buildNfe(input).xml);
  const problems = await validateNfe(trial);
  if (problems.length)
    throw new FiscalDataError(problems[0].path, EMIT_NF_MESSAGES.of('schemaMismatch', { problems: problems.map((p) => `${p.path}: ${p.message}`).join('; ') }));
  if (previous) {
    const built = buildNfe(input);
    const xml = finish(issuing, built.xml);
    await updateDocument(ctx.db, previous.id, { xml, accessKey: built.accessKey, total: built.totals.total.toFixed(2), status: 'signed', cStat: null, reason: null, runId: ctx.runId });
    return { ...previous, xml, accessKey: built.accessKey, status: 'signed' };
  }
  const number = await allocateNumber(ctx.db, { tenantId: ctx.tenantId, issuerCnpj: issuing.issuer.cnpj, model: issuing.model, environment: issuing.environment, series: issuing.series }, issuing.firstNumber);
  const built = buildNfe({ ...input, number });
  const { row } = await storeSigned(ctx.db, {
    tenantId: ctx.tenantId,
    connectionId: issuing.connectionId,
    flowId: ctx.flowId,
    nodeId: ctx.nodeId,
    recordKey,
    orderRef,
    issuerCnpj: issuing.issuer.cnpj,
    model: issuing.model,
    environment: issuing.environment,
    series: issuing.series,
    number,
    accessKey: built.accessKey,
    status: 'signed',
    xml: finish(issuing, built.xml),
    total: built.totals.total.toFixed(2),
    runId: ctx.runId,
  });
  return row;
}

/** Signs, and gives an NFC-e its QR code (outside the signed part, as the layout wants). */
function finish(issuing: Issuing, xml: string): string {
  const signed = signNfe(xml, issuing.certificate);
  if (!issuing.nfce) return signed;
  const { url, urlChave, csc, cscId } = issuing.nfce;
  return addNfceSupplement(signed, { qrCode: nfceQrCodeOf(signed, { url, csc, cscId }), urlChave });
}

/** Sends the stored XML. No answer (or SEFAZ down) leaves it `sending`, to be consulted on the retry. */
async function send(issuing: Issuing, doc: FiscalDocument): Promise<SefazOutcome> {
  await updateDocument(issuing.ctx.db, doc.id, { status: 'sending', attempt: true, runId: issuing.ctx.runId });
  const outcome = await issuing.fiscal.authorize(issuing.sefaz, doc.xml, { model: issuing.model, idLote: String(doc.number).padStart(15, '0'), sync: true });
  if (outcome.kind === 'unavailable') throw new Transient(`SEFAZ is unavailable (${outcome.cStat}: ${outcome.reason}); invoice ${doc.number} will be consulted and sent again`);
  // Already authorised (an earlier send we never heard back from): the protocol comes from a consultation.
  if (outcome.kind === 'duplicate') return issuing.fiscal.consult(issuing.sefaz, doc.accessKey, issuing.model);
  return outcome;
}

/** Records SEFAZ's verdict; an authorisation becomes the nfeProc to keep. */
async function settle(issuing: Issuing, doc: FiscalDocument, outcome: SefazOutcome): Promise<FiscalDocument> {
  const status = outcome.kind === 'authorized' ? 'authorized' : outcome.kind === 'denied' ? 'denied' : outcome.kind === 'rejected' ? 'rejected' : doc.status;
  const procXml = outcome.protNFeXml && (status === 'authorized' || status === 'denied') ? issuing.fiscal.mergeProtocol(doc.xml, outcome.protNFeXml) : doc.procXml;
  const change = {
    status,
    cStat: outcome.cStat,
    reason: outcome.reason,
    protocol: outcome.protocol ?? null,
    procXml,
    authorizedAt: status === 'authorized' ? new Date(outcome.receivedAt ?? Date.now()) : null,
  };
  await updateDocument(issuing.ctx.db, doc.id, change);
  return { ...doc, ...change };
}

function authorised(recordKey: string, doc: FiscalDocument, how: 'consulted' | null = null): OutcomeRow {
  return {
    recordKey,
    outcome: 'created',
    externalId: doc.accessKey,
    ...EMIT_NF_MESSAGES.of('authorised', { number: doc.number, series: doc.series, protocol: doc.protocol, how }),
    payload: { accessKey: doc.accessKey, number: doc.number, protocol: doc.protocol, ...linksOf(doc) },
  };
}

/** Where the API serves the invoice's XML and DANFE (server/routes/fiscal.ts). */
const linksOf = (doc: FiscalDocument) => ({ xmlUrl: `/api/fiscal/documents/${doc.id}/xml`, danfeUrl: `/api/fiscal/documents/${doc.id}/danfe.pdf` });

/** What downstream nodes read (a notify can send the key and the XML link). */
function withInvoice(record: SyncRecord, doc: FiscalDocument): SyncRecord {
  return {
    ...record,
    data: {
      ...record.data,
      nfe: { documentId: doc.id, model: doc.model, series: doc.series, number: doc.number, accessKey: doc.accessKey, protocol: doc.protocol, status: doc.status, ...linksOf(doc) },
    },
  };
}

function fixFor(err: ConnectorError): { hint: string; hintCode: string } {
  // The message names the field already: the hint stays one fixed text, so it can be translated.
  const code = err instanceof FiscalDataError ? 'field' : 'order';
  return { hint: NFE_DATA_HINTS[code].en, hintCode: `nfe.${code}` };
}

/** NFC-e needs the UF's QR-code addresses (connection settings) and the CSC (a credential). */
function nfceSettings(settings: Record<string, unknown>, credentials: Record<string, string>) {
  const url = String(settings.nfceQrUrl ?? '');
  const urlChave = String(settings.nfceConsultUrl ?? '');
  if (!url || !urlChave || !credentials.csc || !credentials.cscId)
    throw new ConfigError('An NFC-e needs the SEFAZ connection settings nfceQrUrl and nfceConsultUrl (your UF\'s NFC-e consultation addresses) and the credentials CSC and Id do CSC');
  return { url, urlChave, csc: credentials.csc, cscId: credentials.cscId };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** dhEmi in Brasília time (UTC-3 all year since 2019), as the layout wants it: with its offset. */
function brasiliaNow(): string {
  return `${new Date(Date.now() - 3 * 3600_000).toISOString().slice(0, 19)}-03:00`;
}
