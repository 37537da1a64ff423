/**
 * The one error hierarchy for everything that talks to the outside world.
 *
 * Connectors raise these; `activities/failures.ts` translates them to Temporal failures
 * (retryable or not, with the provider's delay) and `ERROR_HINTS` gives a person the next step
 * (in English and pt-BR; server/runs/hints.ts reads a stored hint code back).
 * No connector decides retry policy on its own.
 */

import type { LocalizedText, MessageParams, RecordMessage } from '../localized';

export type ConnectorErrorKind =
  | 'AuthError'
  | 'RateLimited'
  | 'Transient'
  | 'NotFound'
  | 'ValidationError'
  | 'Conflict'
  | 'MappingNotFound'
  | 'ValueMapMissing'
  | 'ConfigError';

export interface ErrorDetails {
  /** HTTP status the provider answered with, when there was an answer. */
  status?: number;
  /** The provider's own message or error body excerpt (never credentials). */
  providerMessage?: string;
  /** Facts a screen can act on (e.g. the de-para map and the value to add); shown in the run log. */
  facts?: Record<string, unknown>;
}

export abstract class ConnectorError extends Error {
  abstract readonly kind: ConnectorErrorKind;
  /** Whether the whole run should stop (true) or only this record fails (false). */
  abstract readonly failsRun: boolean;
  readonly status?: number;
  readonly providerMessage?: string;
  readonly facts?: Record<string, unknown>;
  /** Set when Ponte wrote the message (a record message catalogue entry); a provider's text has none. */
  readonly messageCode?: string;
  readonly messageParams?: MessageParams;

  constructor(message: string | RecordMessage, details: ErrorDetails = {}) {
    super(typeof message === 'string' ? message : message.message);
    this.status = details.status;
    this.providerMessage = details.providerMessage;
    this.facts = details.facts;
    if (typeof message !== 'string') {
      this.messageCode = message.messageCode;
      this.messageParams = message.messageParams;
    }
  }

  override get name(): string {
    return this.kind;
  }
}

/** 401/403 or a token that cannot be refreshed: retrying will not help, a person must act. */
export class AuthError extends ConnectorError {
  readonly kind = 'AuthError';
  readonly failsRun = true;
}

/** 429 or a provider-specific throttle body. `retryAfterMs` comes from the provider when it says. */
export class RateLimited extends ConnectorError {
  readonly kind = 'RateLimited';
  readonly failsRun = true;
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, details: ErrorDetails = {}) {
    super(message, details);
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx, network failures, timeouts: retried with exponential backoff. */
export class Transient extends ConnectorError {
  readonly kind = 'Transient';
  readonly failsRun = true;
}

/** The resource does not exist at the provider: a per-record outcome. */
export class NotFound extends ConnectorError {
  readonly kind = 'NotFound';
  readonly failsRun = false;
}

/** The provider refused the record's content (400/422): a per-record outcome. */
export class ValidationError extends ConnectorError {
  readonly kind = 'ValidationError';
  readonly failsRun = false;
}

/** 409 or a duplicate the provider detected: a per-record outcome. */
export class Conflict extends ConnectorError {
  readonly kind = 'Conflict';
  readonly failsRun = false;
}

/** No binding for a record the write needs: a per-record outcome. */
export class MappingNotFound extends ConnectorError {
  readonly kind = 'MappingNotFound';
  readonly failsRun = false;
}

/**
 * A value with no entry in its de-para (value map) and no default, or a de-para that does not
 * exist: a per-record outcome. Never passed through untranslated nor auto-created.
 */
export class ValueMapMissing extends ConnectorError {
  readonly kind = 'ValueMapMissing';
  readonly failsRun = false;
}

/** The flow or connection is set up wrongly (unknown entity, missing field): fails the run, not retried. */
export class ConfigError extends ConnectorError {
  readonly kind = 'ConfigError';
  readonly failsRun = true;
}

/** Kinds that retrying cannot fix. Used as the activities' `nonRetryableErrorTypes`. */
export const NON_RETRYABLE_KINDS: ConnectorErrorKind[] = ['AuthError', 'ConfigError', 'ValidationError', 'NotFound', 'Conflict', 'MappingNotFound', 'ValueMapMissing'];

/** A hint in both languages: English for logs, exports and tickets; pt-BR for people. */
export type HintText = LocalizedText;

/** A failure in a node's own expression, not at a provider: the per-record outcome's error kind. */
export type HintCode = ConnectorErrorKind | 'TransformError';

/** The next step for a person reading the sync log, per error kind; the kind is the hint's code. */
export const ERROR_HINTS: Record<HintCode, HintText> = {
  AuthError: {
    en: 'Credentials were refused (401/403). Renew them on the connection and test it again.',
    'pt-BR': 'As credenciais foram recusadas (401/403). Renove-as na conexão e teste a conexão de novo.',
  },
  RateLimited: {
    en: 'The provider is throttling requests (429). Retried automatically; if it keeps happening, lower the frequency.',
    'pt-BR': 'O sistema está limitando as requisições (429). A Ponte tenta de novo sozinha; se continuar, diminua a frequência.',
  },
  Transient: {
    en: 'The provider failed or did not answer (5xx, network). Retried automatically.',
    'pt-BR': 'O sistema falhou ou não respondeu (5xx, rede). A Ponte tenta de novo sozinha.',
  },
  NotFound: {
    en: 'The provider does not know this resource (404). Check the base URL, the API version and the mapping.',
    'pt-BR': 'O sistema não conhece este recurso (404). Confira a URL base, a versão da API e o mapeamento.',
  },
  ValidationError: {
    en: 'The provider refused the record. Fix the fields named in the message, then reprocess.',
    'pt-BR': 'O sistema recusou o registro. Corrija os campos citados na mensagem e reprocesse.',
  },
  Conflict: {
    en: 'The provider reports a duplicate (409). Resolved through idempotency; check the mapping if it repeats.',
    'pt-BR': 'O sistema acusa duplicidade (409). A Ponte resolve pela idempotência; se voltar a acontecer, confira o mapeamento.',
  },
  MappingNotFound: {
    en: 'No mapping for this record. Create it or run discovery, then reprocess.',
    'pt-BR': 'Não há mapeamento para este registro. Crie o mapeamento ou rode a descoberta e depois reprocesse.',
  },
  ValueMapMissing: {
    en: 'A value has no translation in a de-para (value map). Add the entry named in the message (or give the map a default), then reprocess.',
    'pt-BR': 'Um valor não tem tradução no de-para. Adicione a entrada citada na mensagem (ou dê um valor padrão ao de-para) e reprocesse.',
  },
  ConfigError: {
    en: 'The flow or connection is set up wrongly. Fix the setting named in the message.',
    'pt-BR': 'O fluxo ou a conexão está configurado de forma errada. Corrija a configuração citada na mensagem.',
  },
  TransformError: {
    en: 'Fix the expression of this node, then reprocess.',
    'pt-BR': 'Corrija a expressão deste bloco e reprocesse.',
  },
};

/** A plain-words next step for a person reading the sync log, in English (logs, exports, tickets). */
export function hintFor(kind: HintCode): string {
  return ERROR_HINTS[kind].en;
}

/** The hint of an outcome row: the English text kept for compatibility and the code screens translate. */
export function hintOf(code: HintCode): { hint: string; hintCode: HintCode } {
  return { hint: hintFor(code), hintCode: code };
}

/** An error's message for an outcome row: with its code and parameters when Ponte wrote it. */
export function messageOfError(err: Error): { message: string; messageCode?: string; messageParams?: MessageParams } {
  return err instanceof ConnectorError && err.messageCode ? { message: err.message, messageCode: err.messageCode, messageParams: err.messageParams } : { message: err.message };
}

/** A read whose 404 means "there is none": the value, or null. */
export async function nullIfNotFound<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}
