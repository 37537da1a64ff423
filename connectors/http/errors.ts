/**
 * The one error hierarchy for everything that talks to the outside world.
 *
 * Connectors raise these; `activities/failures.ts` translates them to Temporal failures
 * (retryable or not, with the provider's delay) and `hintFor` gives a person the next step.
 * No connector decides retry policy on its own.
 */

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

  constructor(message: string, details: ErrorDetails = {}) {
    super(message);
    this.status = details.status;
    this.providerMessage = details.providerMessage;
    this.facts = details.facts;
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

const HINTS: Record<ConnectorErrorKind, string> = {
  AuthError: 'Credentials were refused (401/403). Renew them on the connection and test it again.',
  RateLimited: 'The provider is throttling requests (429). Retried automatically; if it keeps happening, lower the frequency.',
  Transient: 'The provider failed or did not answer (5xx, network). Retried automatically.',
  NotFound: 'The provider does not know this resource (404). Check the base URL, the API version and the mapping.',
  ValidationError: 'The provider refused the record. Fix the fields named in the message, then reprocess.',
  Conflict: 'The provider reports a duplicate (409). Resolved through idempotency; check the mapping if it repeats.',
  MappingNotFound: 'No mapping for this record. Create it or run discovery, then reprocess.',
  ValueMapMissing: 'A value has no translation in a de-para (value map). Add the entry named in the message (or give the map a default), then reprocess.',
  ConfigError: 'The flow or connection is set up wrongly. Fix the setting named in the message.',
};

/** A plain-words next step for a person reading the sync log. */
export function hintFor(kind: ConnectorErrorKind): string {
  return HINTS[kind];
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
