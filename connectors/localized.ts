/**
 * Text in both languages Ponte speaks: English for code, logs, exports and API clients; pt-BR
 * for the people reading a screen or an alert. Hints and validation problems carry one beside
 * their English `hint`/`message`; record messages Ponte writes carry a code and parameters the
 * API turns into one (server/runs/messages.ts); the UI picks the reader's language.
 */
export interface LocalizedText {
  en: string;
  'pt-BR': string;
}

/** What a record message is built from: names, ids, counts. JSON, stored in `run_records.message_params`. */
export type MessageParams = Record<string, string | number | null>;

/**
 * A message Ponte writes into a record's outcome: `message` in English (logs, exports, tickets,
 * API clients), and the code and parameters that rebuild it in either language
 * (server/runs/messages.ts). Spread into an outcome row.
 */
export interface RecordMessage {
  message: string;
  messageCode: string;
  messageParams: MessageParams;
}

/** A catalogue entry: its text in both languages from its parameters (each entry declares its own). */
export type MessageTemplate = (params: never) => LocalizedText;

export interface MessageCatalogue<T extends Record<string, MessageTemplate>> {
  /** The first part of every code of the catalogue: `<scope>.<key>`. */
  scope: string;
  texts: T;
  /** The message `key` with its parameters, ready to spread into an outcome row. */
  of<K extends keyof T & string>(key: K, ...params: Parameters<T[K]>): RecordMessage;
}

/**
 * One catalogue of record messages: each entry gives the text in both languages from the same
 * parameters, so the English `message` and the code never disagree.
 */
export function defineMessages<T extends Record<string, MessageTemplate>>(scope: string, texts: T): MessageCatalogue<T> {
  return {
    scope,
    texts,
    of(key, ...params) {
      const messageParams: MessageParams = (params[0] as MessageParams | undefined) ?? {};
      return { message: textOf(texts[key], messageParams).en, messageCode: `${scope}.${key}`, messageParams };
    },
  };
}

/** An entry's text from stored parameters (which the entry's own type cannot vouch for). */
export function textOf(template: MessageTemplate, params: MessageParams): LocalizedText {
  return (template as (params: MessageParams) => LocalizedText)(params);
}

const SAO_PAULO_TIME = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'America/Sao_Paulo' });
const BRL = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

/** A moment as a Brazilian reader writes it, in São Paulo time ("24/11/2026, 08:33"); unparseable text as it is. */
export function brDateTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : SAO_PAULO_TIME.format(at);
}

/** An amount ("1234.50") in reais as a Brazilian reader writes it ("R$ 1.234,50"); anything else as it is. */
export function brl(amount: string | number | null): string {
  const n = typeof amount === 'number' ? amount : Number(amount);
  return amount === null || amount === '' || !Number.isFinite(n) ? String(amount ?? '') : BRL.format(n);
}
