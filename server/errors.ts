/** Errors the API turns into HTTP answers (see the error handler in app.ts). */
import type { LocalizedText } from '../connectors/localized';

export class NotFoundError extends Error {}

/** A request the current state refuses (409): e.g. deleting a connection flows still use. */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** A problem's reason in both languages; `message` beside it keeps the English. */
export type ProblemText = LocalizedText;

/** Input with problems (400), one per field; `text` (when given) is served beside `message`. */
export class BadInput extends Error {
  constructor(readonly problems: Array<{ field: string; message: string; text?: ProblemText }>) {
    super(problems.map((p) => p.message).join('; '));
  }
}

/** No valid session or token (401). */
export class Unauthenticated extends Error {}

/** Signed in, but the role (or a pending password change) does not allow this (403). */
export class Forbidden extends Error {}

/** Too many attempts (429); retry after so many seconds. */
export class TooManyAttempts extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
