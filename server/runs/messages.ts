/**
 * A stored record message code read back as text in both languages the UI speaks. Outcome rows
 * keep `message` in English (logs, exports, tickets) with the code and parameters of the
 * catalogue entry that wrote it; screens and Portuguese alerts show the reader's language.
 * Codes are `<scope>.<key>` of the catalogues below; a provider's text has no code.
 */
import { type LocalizedText, type MessageCatalogue, type MessageParams, type MessageTemplate, textOf } from '../../connectors/localized';
import { APPROVE_MESSAGES } from '../../nodes/approve/messages';
import { CHARGE_MESSAGES } from '../../nodes/charge/messages';
import { EMIT_NF_MESSAGES } from '../../nodes/emit-nf/messages';
import { NOTIFY_MESSAGES } from '../../nodes/notify/messages';
import { SETTLE_MESSAGES } from '../../nodes/settle/messages';
import { TRANSFORM_MESSAGES } from '../../nodes/transform/messages';
import { UPSERT_MESSAGES } from '../../nodes/upsert/messages';
import { BINDING_MESSAGES } from '../bindings/messages';
import { VALUE_MAP_MESSAGES } from '../value-maps/messages';

/** Every catalogue of record messages. A new one is listed here, or its codes read back as nothing. */
export const MESSAGE_CATALOGUES: Array<MessageCatalogue<Record<string, MessageTemplate>>> = [
  UPSERT_MESSAGES,
  TRANSFORM_MESSAGES,
  BINDING_MESSAGES,
  VALUE_MAP_MESSAGES,
  APPROVE_MESSAGES,
  NOTIFY_MESSAGES,
  CHARGE_MESSAGES,
  SETTLE_MESSAGES,
  EMIT_NF_MESSAGES,
];

const BY_SCOPE = new Map(MESSAGE_CATALOGUES.map((c) => [c.scope, c]));

/**
 * The text of a message code with its stored parameters, or null when the code is unknown (an
 * older row, a code since retired) or its parameters no longer fit the entry.
 */
export function messageText(code: string | null | undefined, params: MessageParams | null | undefined): LocalizedText | null {
  if (!code) return null;
  const dot = code.indexOf('.');
  const catalogue = dot > 0 ? BY_SCOPE.get(code.slice(0, dot)) : undefined;
  const key = code.slice(dot + 1);
  if (!catalogue || !Object.hasOwn(catalogue.texts, key)) return null;
  try {
    return textOf(catalogue.texts[key], params ?? {});
  } catch {
    return null;
  }
}

/** A run record as the API returns it: plus `messageText` when its message code is known. */
export function withMessageText<T extends { messageCode?: string | null; messageParams?: MessageParams | null }>(row: T): T & { messageText?: LocalizedText } {
  const text = messageText(row.messageCode, row.messageParams);
  return text ? { ...row, messageText: text } : row;
}
