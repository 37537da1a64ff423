/**
 * The invoice an "Emitir NF-e / NFC-e" block issued for a record, as e-mail attachments: its
 * DANFE (rendered from the stored nfeProc) and the nfeProc XML itself, which the buyer keeps.
 */
import { ValidationError } from '../../connectors/http/errors';
import type { OutgoingMessage, SyncRecord } from '../../connectors/types';
import { renderDanfe } from '../../fiscal/danfe';
import type { Db } from '../../server/db/client';
import { getDocument } from '../../server/fiscal/ledger';
import { NOTIFY_MESSAGES } from './messages';

type Attachment = NonNullable<OutgoingMessage['attachments']>[number];

export async function invoiceAttachments(db: Db, tenantId: string, record: SyncRecord): Promise<Attachment[]> {
  const nfe = record.data.nfe as { documentId?: number; number?: number } | undefined;
  if (typeof nfe?.documentId !== 'number') throw new ValidationError(NOTIFY_MESSAGES.of('noInvoice'));
  const doc = await getDocument(db, tenantId, nfe.documentId);
  if (!doc || doc.status !== 'authorized' || !doc.procXml)
    throw new ValidationError(NOTIFY_MESSAGES.of('invoiceNotAuthorised', { invoice: nfe.number ?? nfe.documentId, status: doc?.status ?? 'unknown' }));
  return [
    { filename: `${doc.accessKey}-danfe.pdf`, content: (await renderDanfe(doc.procXml)).toString('base64'), encoding: 'base64', contentType: 'application/pdf' },
    { filename: `${doc.accessKey}-procNFe.xml`, content: doc.procXml, encoding: 'utf8', contentType: 'application/xml' },
  ];
}
