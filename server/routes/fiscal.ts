/** Fiscal API: invoices emit-nf nodes issued, their XML, and the numbers to void ("inutilizar"). */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import type { FiscalStatus } from '../db/schema';
import { renderDanfe } from '../../fiscal/danfe';
import { ConflictError, NotFoundError } from '../errors';
import { type FiscalDocument, getDocument, listDocuments, unusedNumbers } from '../fiscal/ledger';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

/** What lists show: everything but the XML, which has its own route. */
const summary = ({ xml: _x, procXml, tenantId: _t, ...d }: FiscalDocument) => ({ ...d, hasProc: procXml !== null });

export function registerFiscalRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;

  app.get<{ Querystring: { status?: FiscalStatus; flowId?: string; recordKey?: string; limit?: number } }>(
    '/api/fiscal/documents',
    {
      config: { permission: 'view' },
      schema: {
        tags: ['fiscal'],
        summary: 'Invoices issued by flows, newest first: order, model, series and number, access key, status (signed, sending, authorized, rejected, denied), cStat and reason',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['signed', 'sending', 'authorized', 'rejected', 'denied'] },
            flowId: { type: 'string' },
            recordKey: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (req) => ({ documents: (await listDocuments(db, req.auth.tenantId, req.query)).map(summary) }),
  );

  app.get<{ Params: { id: number } }>(
    '/api/fiscal/documents/:id',
    { config: { permission: 'view' }, schema: { tags: ['fiscal'], summary: 'One invoice', params: idParam } },
    async (req) => {
      const doc = await getDocument(db, req.auth.tenantId, req.params.id);
      if (!doc) throw new NotFoundError(`Invoice ${req.params.id} not found`);
      return summary(doc);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/fiscal/documents/:id/xml',
    { config: { permission: 'view' }, schema: { tags: ['fiscal'], summary: 'The XML to keep: the authorised nfeProc, or the signed NFe while it has no protocol', params: idParam } },
    async (req, reply) => {
      const doc = await getDocument(db, req.auth.tenantId, req.params.id);
      if (!doc) throw new NotFoundError(`Invoice ${req.params.id} not found`);
      const name = `${doc.accessKey}${doc.procXml ? '-procNFe' : '-NFe'}.xml`;
      return reply
        .type('application/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(doc.procXml ?? doc.xml);
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
    { config: { permission: 'view' }, schema: { tags: ['fiscal'], summary: 'Numbers held by rejected invoices, per series: void them at SEFAZ ("inutilização") if the orders will not be invoiced' } },
    async (req) => ({ numbers: await unusedNumbers(db, req.auth.tenantId) }),
  );
}
