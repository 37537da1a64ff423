/**
 * Payment data that breaks a published rule (BACEN's BR Code, FEBRABAN's boleto layout): a bad
 * Pix key, a name too long, a check digit that does not match. It is the record's fault, not the
 * provider's, so it is a `ValidationError` — a per-record outcome that retrying cannot fix — and
 * it names the field so the person reading the sync log knows what to correct.
 */
import { ValidationError } from '../connectors/http/errors';

export class PaymentDataError extends ValidationError {
  /** The input or code field at fault, e.g. `merchantName`, `key`, `digitableLine.field2`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message, { facts: { field } });
    this.field = field;
  }
}
