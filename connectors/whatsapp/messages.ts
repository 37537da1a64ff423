/**
 * Sending through the Cloud API: `POST /{phone-number-id}/messages`. An approved template starts
 * a conversation (required outside the 24-hour customer service window); free-form text only
 * goes inside it. A 200 means Meta accepted the message, not that it reached the phone: delivery
 * (or failure, e.g. 131047 outside the window) arrives later on the status webhook.
 */
import { ConfigError, ValidationError } from '../http/errors';
import type { ConnectionContext, MessagingSupport, OutgoingMessage } from '../types';
import { normalisePhone, phoneNumberId } from './client';

/** Meta: `biz_opaque_callback_data` is echoed in the status webhooks, up to 512 characters. */
const MAX_CALLBACK_DATA = 512;

/** Meta: a text message's body holds up to 4,096 characters. */
const MAX_TEXT = 4096;

interface SendResponse {
  messaging_product?: string;
  contacts?: Array<{ input?: string; wa_id?: string }>;
  messages?: Array<{ id?: string; message_status?: string }>;
}

/** The request body the Cloud API expects for one message. */
export function messageBody(message: OutgoingMessage): Record<string, unknown> {
  if (message.attachments?.length) {
    // Media goes through an upload (or a public link) and a message type of its own; Ponte sends text and templates only.
    throw new ConfigError('WhatsApp messages from Ponte carry a template or text; attachments are not sent. Remove them from this notify step');
  }
  const body: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: normalisePhone(message.to),
  };
  // Ponte's message id comes back on every status webhook of this message.
  if (message.id && message.id.length <= MAX_CALLBACK_DATA) body.biz_opaque_callback_data = message.id;

  if (message.template) {
    const { name, language, parameters } = message.template;
    if (!name?.trim()) throw new ValidationError('The WhatsApp template has no name: use the name of an approved template (WhatsApp Manager → Modelos de mensagem)');
    if (!language?.trim()) throw new ValidationError(`The WhatsApp template "${name}" has no language: give the code it was approved in, e.g. pt_BR`);
    const template: Record<string, unknown> = { name: name.trim(), language: { code: language.trim() } };
    // A template without variables takes no components; an empty parameter list would not match it.
    if (parameters?.length) {
      template.components = [{ type: 'body', parameters: parameters.map((p) => ({ type: 'text', text: String(p ?? '') })) }];
    }
    return { ...body, type: 'template', template };
  }

  const text = message.text ?? '';
  if (!text.trim()) throw new ValidationError('The WhatsApp message has no text (and no template): write the text, or choose an approved template');
  if (text.length > MAX_TEXT) throw new ValidationError(`The WhatsApp text has ${text.length} characters; the limit is ${MAX_TEXT}`);
  return { ...body, type: 'text', text: { preview_url: false, body: text } };
}

export const messaging: MessagingSupport = {
  channel: 'whatsapp',

  async send(ctx: ConnectionContext, message: OutgoingMessage) {
    const json = messageBody(message);
    const res = await ctx.http.send<SendResponse>({ method: 'POST', path: `/${phoneNumberId(ctx)}/messages`, json }, ctx.signal);
    const providerId = res.body?.messages?.[0]?.id ?? null;
    // No id means we cannot follow the message's statuses; still, Meta took it (HTTP 200).
    return { providerId, status: 'accepted' as const };
  },
};
