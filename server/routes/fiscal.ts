/**
 * Fiscal API: invoices emit-nf nodes issued, their XML, the numbers to void ("inutilizar") and the
 * requests a person makes about them at SEFAZ: voiding numbers, cancelling an authorised invoice.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PacerRegistry } from '../../connectors/http/pacing';
import { cstatHintOf } from '../../connectors/sefaz/protocol';
import type { AppDeps } from '../app';
import { actorOf } from '../auth/hooks';
import type { FiscalStatus } from '../db/schema';
import { renderDanfe } from '../../fiscal/danfe';
import { ConflictError, NotFoundError } from '../errors';
import { type FiscalDocument, type FiscalEvent, type FiscalVoid, getDocument, getEvent, getVoid, listDocuments, listVoids, registeredEventsOf, unusedNumbers } from '../fiscal/ledger';
import { cancelDocument, voidNumbers, type VoidRequest } from '../fiscal/requests';
import { hintText } from '../runs/hints';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const FISCAL_STATUSES: FiscalStatus[] = ['signed', 'sending', 'authorized', 'rejected', 'denied', 'cancelled', 'voided'];
/** xJust (TJust): 15 to 255 characters; the builders count again after trimming and joining spaces. */
const reasonSchema = { type: 'string', minLength: 15, maxLength: 255, description: 'Why (xJust), 15 to 255 characters' } as const;

/** What lists show: everything but the XML, which has its own route. */
const summary = ({ xml: _x, procXml, tenantId: _t, ...d }: FiscalDocument) => ({ ...d, hasProc: procXml !== null });
const eventSummary = ({ procXml, tenantId: _t, ...e }: FiscalEvent) => ({ ...e, hasProc: procXml !== null, xmlUrl: procXml ? `/api/fiscal/events/${e.id}/xml` : null });
const voidSummary = ({ procXml, tenantId: _t, ...v }: FiscalVoid) => ({ ...v, hasProc: procXml !== null, xmlUrl: procXml ? `/api/fiscal/voids/${v.id}/xml` : null });

/** What to do about SEFAZ's answer: `hint` in English, `hintText` in pt-BR and English. */
function refusalHint(cStat: string) {
  const { hint, hintCode } = cstatHintOf(cStat);
  return { hint, hintText: hintText(hintCode) };
}

/** An invoice with its registered cancellation, when it has one. */
function withCancellation(doc: FiscalDocument, events: FiscalEvent[]) {
  const event = events.find((e) => e.documentId === doc.id && e.type === '110111');
  return { ...summary(doc), cancellation: event ? eventSummary(event) : null };
}

const sendXml = (reply: FastifyReply, name: string, xml: string) =>
  reply.type('application/xml; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(xml);

export function registerFiscalRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  // A person's requests to SEFAZ have their own pacers: they never wait behind a run's sends.
  const requestDeps = { db, box: deps.box, pacers: new PacerRegistry() };

  app.get<{ Querystring: { status?: FiscalStatus; flowId?: string; recordKey?: string; limit?: number } }>(
    '/api/fiscal/documents',
    {
      config: { permission: 'view' },
      schema: {
        tags: ['fiscal'],
        summary:
          'Invoices issued by flows, newest first: order, model, series and number, access key, status (signed, sending, authorized, rejected, denied, cancelled, voided), cStat and reason, and the cancellation of a cancelled one',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: FISCAL_STATUSES },
            flowId: { type: 'string' },
            recordKey: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (req) => {
      const documents = await listDocuments(db, req.auth.tenantId, req.query);
      const events = await registeredEventsOf(db, req.auth.tenantId, documents.filter((d) => d.status === 'cancelled').map((d) => d.id));
      return { documents: documents.map((d) => withCancellation(d, events)) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/fiscal/documents/:id',
    { config: { permission: 'view' }, schema: { tags: ['fiscal'], summary: 'One invoice', params: idParam } },
    async (req) => {
      const doc = await getDocument(db, req.auth.tenantId, req.params.id);
      if (!doc) throw new NotFoundError(`Invoice ${req.params.id} not found`);
      return withCancellation(doc, await registeredEventsOf(db, req.auth.tenantId, [doc.id]));
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/fiscal/documents/:id/xml',
    { config: { permission: 'view' }, schema: { tags: ['fiscal'], summary: 'The XML to keep: the authorised nfeProc, or the signed NFe while it has no protocol', params: idParam } },
    async (req, reply) => {
      const doc = await getDocument(db, req.auth.tenantId, req.params.id);
      if (!doc) throw new NotFoundError(`Invoice ${req.params.id} not found`);
      return sendXml(reply, `${doc.accessKey}${doc.procXml ? '-procNFe' : '-NFe'}.xml`, doc.procXml ?? doc.xml);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/fiscal/documents/:id/danfe.pdf',
    {
      config: { permission: 'view' },
      schema: { tags: ['fiscal'], summary: 'The DANFE (PDF) of an authorised invoice: A4 for an NF-e, an 80 mm receipt for an NFC-e; rendered from the nfeProc on each request', params: idParam },
    },
    async (req, reply) => {
      const doc = await getDocument(db, req.auth.tenantId, req.params.id);
      if (!doc) throw new NotFoundError(`Invoice ${req.params.id} not found`);
      // A denied note has a merged protocol too, but no DANFE: it authorises nothing.
      if (doc.status !== 'authorized' || !doc.procXml) {
        throw new ConflictError(`Invoice ${doc.number} (series ${doc.series}) has no authorisation protocol (status ${doc.status}${doc.cStat ? `, cStat ${doc.cStat}` : ''}): a DANFE exists only for an authorised invoice`);
      }
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${doc.accessKey}-danfe.pdf"`)
        .send(await renderDanfe(doc.procXml));
    },
  );

  app.get(
    '/api/fiscal/unused-numbers',
    { config: { permission: 'view' }, schema: { tags: ['fiscal'], summary: 'Numbers held by rejected invoices, per series: void them at SEFAZ ("inutilização", POST /api/fiscal/voids) if the orders will not be invoiced' } },
    async (req) => ({ numbers: await unusedNumbers(db, req.auth.tenantId) }),
  );

  app.post<{ Params: { id: number }; Body: { reason: string } }>(
    '/api/fiscal/documents/:id/cancel',
    {
      config: { permission: 'edit' },
      schema: {
        tags: ['fiscal'],
        summary:
          'Cancels an authorised invoice at SEFAZ (event 110111, naming its authorisation protocol): 200 with the invoice (status cancelled) and the registered event; 409 with SEFAZ\'s cStat and reason when it refuses (deadline passed 501, already cancelled 573…; details.hint says what to do in English, details.hintText in pt-BR and English) or when the invoice is not authorised',
        params: idParam,
        body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: reasonSchema } },
      },
    },
    async (req) => {
      const result = await cancelDocument(requestDeps, actorOf(req), req.params.id, req.body.reason);
      if (!result) throw new NotFoundError(`Invoice ${req.params.id} not found`);
      const { document, event, outcome, hint, hintCode } = result;
      if (event.status !== 'registered') {
        throw new ConflictError(`SEFAZ refused to cancel invoice ${document.number} (series ${document.series}): ${outcome.cStat} ${outcome.reason}`, {
          cStat: outcome.cStat,
          reason: outcome.reason,
          hint,
          hintText: hintText(hintCode),
          event: eventSummary(event),
        });
      }
      return { document: { ...summary(document), cancellation: eventSummary(event) }, event: eventSummary(event), hint, hintText: hintText(hintCode) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/fiscal/events/:id/xml',
    { config: { permission: 'view' }, schema: { tags: ['fiscal'], summary: 'The procEventoNFe of a registered event (a cancellation): keep it with the invoice\'s nfeProc', params: idParam } },
    async (req, reply) => {
      const event = await getEvent(db, req.auth.tenantId, req.params.id);
      if (!event) throw new NotFoundError(`Event ${req.params.id} not found`);
      if (!event.procXml) throw new ConflictError(`Event ${event.id} was not registered by SEFAZ (status ${event.status}${event.cStat ? `, cStat ${event.cStat}` : ''}): there is no procEventoNFe`);
      return sendXml(reply, `${event.accessKey}-${event.type}-${String(event.sequence).padStart(2, '0')}-procEventoNFe.xml`, event.procXml);
    },
  );

  app.post<{ Body: VoidRequest }>(
    '/api/fiscal/voids',
    {
      config: { permission: 'edit' },
      schema: {
        tags: ['fiscal'],
        summary:
          'Voids ("inutiliza") numbers never used at SEFAZ: 201 with the request (status voided, protocol) and the rejected invoices of the range become voided; 409 when a number belongs to an invoice that is not rejected, was voided already or is not reached by the series yet, or when SEFAZ refuses (cStat, reason, and what to do: hint in English, hintText in pt-BR and English)',
        body: {
          type: 'object',
          required: ['connectionId', 'model', 'series', 'from', 'to', 'reason'],
          additionalProperties: false,
          properties: {
            connectionId: { type: 'string', minLength: 1, description: 'The SEFAZ connection that issues the series' },
            model: { type: 'integer', enum: [55, 65] },
            series: { type: 'integer', minimum: 0, maximum: 999 },
            from: { type: 'integer', minimum: 1, maximum: 999999999 },
            to: { type: 'integer', minimum: 1, maximum: 999999999 },
            reason: reasonSchema,
          },
        },
      },
    },
    async (req, reply) => {
      const voiding = await voidNumbers(requestDeps, actorOf(req), req.body);
      if (voiding.status !== 'voided') {
        throw new ConflictError(`SEFAZ refused to void ${voiding.fromNumber === voiding.toNumber ? `number ${voiding.fromNumber}` : `numbers ${voiding.fromNumber}-${voiding.toNumber}`}: ${voiding.cStat ?? ''} ${voiding.reason ?? ''}`.trim(), {
          cStat: voiding.cStat,
          reason: voiding.reason,
          ...(voiding.cStat ? refusalHint(voiding.cStat) : {}),
          void: voidSummary(voiding),
        });
      }
      return reply.code(201).send({ void: voidSummary(voiding) });
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/api/fiscal/voids',
    {
      config: { permission: 'view' },
      schema: {
        tags: ['fiscal'],
        summary: 'Requests to void numbers, newest first: series, range, reason, who, status (sending, voided, rejected), cStat, reason and protocol',
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
      },
    },
    async (req) => ({ voids: (await listVoids(db, req.auth.tenantId, req.query)).map(voidSummary) }),
  );

  app.get<{ Params: { id: number } }>(
    '/api/fiscal/voids/:id/xml',
    { config: { permission: 'view' }, schema: { tags: ['fiscal'], summary: 'The procInutNFe of a voiding SEFAZ homologated: the record that the numbers are void', params: idParam } },
    async (req, reply) => {
      const voiding = await getVoid(db, req.auth.tenantId, req.params.id);
      if (!voiding) throw new NotFoundError(`Voiding ${req.params.id} not found`);
      if (!voiding.procXml) throw new ConflictError(`Voiding ${voiding.id} has no procInutNFe (status ${voiding.status}${voiding.cStat ? `, cStat ${voiding.cStat}` : ''})`);
      const range = `${voiding.model}-${voiding.series}-${voiding.fromNumber}-${voiding.toNumber}`;
      return sendXml(reply, `${voiding.issuerCnpj}-${range}-procInutNFe.xml`, voiding.procXml);
    },
  );
}
