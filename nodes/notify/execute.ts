/**
 * The notify node, one page at a time: each record's message is built from the node's
 * expressions and sent once per content (server/notify/send.ts). A message the provider refuses
 * fails that record with the provider's words; the others go on.
 */
import { ConfigError, ConnectorError, hintOf, messageOfError } from '../../connectors/http/errors';
import type { OutgoingMessage } from '../../connectors/types';
import { channelOf, sendOnce } from '../../server/notify/send';
import { invoiceAttachments } from './invoice-attachments';
import type { EffectExecutor, OutcomeRow } from '../executor';
import { NOTIFY_MESSAGES } from './messages';
import { asText, compileRecordExpression } from '../record-expressions';

const compile = compileRecordExpression;
const text = asText;

export const notifyExecutor: EffectExecutor = {
  async executePage(ctx, params, records) {
    const channel = channelOf(await ctx.loadConnection(params.connectionId as string), ctx.pacers, ctx.signal);
    const template = params.template as { name: string; language?: string; parameters?: string[] } | undefined;
    if (channel.messaging.channel === 'whatsapp' && !template && !params.text) throw new ConfigError('A WhatsApp message needs a template (or a text, inside the 24 h window)');
    if (params.attachInvoice === true && channel.messaging.channel !== 'email')
      throw new ConfigError(`Attaching the invoice needs an e-mail connection; "${params.connectionId}" sends ${channel.messaging.channel} messages`);
    const to = compile(params.to)!;
    const subject = compile(params.subject);
    const body = compile(params.text);
    const data = compile(params.data);
    const templateParams = (template?.parameters ?? []).map((p) => compile(p)!);

    const outcomes: OutcomeRow[] = [];
    for (const record of records) {
      let message: Omit<OutgoingMessage, 'id'>;
      try {
        message = {
          to: text(await to(record)),
          subject: subject ? text(await subject(record)) : undefined,
          text: body ? text(await body(record)) : '',
          template: template ? { name: template.name, language: template.language ?? 'pt_BR', parameters: await Promise.all(templateParams.map(async (p) => text(await p(record)))) } : undefined,
          data: channel.messaging.channel === 'webhook' ? (data ? await data(record) : record.data) : undefined,
        };
      } catch (err) {
        outcomes.push({ recordKey: record.key, outcome: 'failed', errorKind: 'TransformError', message: `${ctx.nodeId}: ${(err as Error).message}`, ...hintOf('TransformError'), payload: record.data });
        continue;
      }
      if (params.attachInvoice === true) {
        try {
          message.attachments = await invoiceAttachments(ctx.db, ctx.tenantId, record);
        } catch (err) {
          if (!(err instanceof ConnectorError) || err.failsRun) throw err;
          outcomes.push({ recordKey: record.key, outcome: 'failed', errorKind: err.kind, ...messageOfError(err), ...hintOf(err.kind), payload: record.data });
          continue;
        }
      }
      if (!message.to) {
        outcomes.push({ recordKey: record.key, outcome: 'failed', errorKind: 'ValidationError', ...NOTIFY_MESSAGES.of('noRecipient'), ...hintOf('ValidationError'), payload: record.data });
        continue;
      }
      try {
        const result = await sendOnce({ db: ctx.db, tenantId: ctx.tenantId, runId: ctx.runId, flowId: ctx.flowId, nodeId: ctx.nodeId, recordKey: record.key, pacers: ctx.pacers, signal: ctx.signal }, channel, message);
        outcomes.push(
          result.sent
            ? { recordKey: record.key, outcome: 'created', externalId: result.providerId, ...NOTIFY_MESSAGES.of('sent', { status: result.status, to: message.to }), payload: message }
            : { recordKey: record.key, outcome: 'skipped', ...result.reason },
        );
      } catch (err) {
        if (!(err instanceof ConnectorError) || err.failsRun) throw err;
        outcomes.push({ recordKey: record.key, outcome: 'failed', errorKind: err.kind, message: err.message, ...hintOf(err.kind), payload: message });
      }
      ctx.heartbeat();
    }
    return { outcomes, output: records, commit: async () => {} };
  },
};
