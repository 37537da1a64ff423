/**
 * Two kinds of failure the NF-e library reports, on the project's one error hierarchy:
 *
 * - `FiscalDataError`: the document's data breaks a rule of the layout (a CFOP of three digits,
 *   an NCM of six, no items). It is the record's fault, so it is a `ValidationError` — a
 *   per-record outcome retrying cannot fix — and it names the input field at fault.
 * - `CertificateError`: the seller's A1 certificate cannot be used (wrong password, a file that
 *   is not a PKCS#12, no private key). Every document of the connection fails the same way until
 *   a person replaces the file or the password, so it is a `ConfigError`.
 */
import { ConfigError, ValidationError } from '../connectors/http/errors';
import type { RecordMessage } from '../connectors/localized';

export class FiscalDataError extends ValidationError {
  /** The input field at fault, e.g. `items[2].cfop`, `recipient.document`, `payments`. */
  readonly field: string;

  /** `message` is a record message (with its code) when Ponte's emit-nf node wrote it. */
  constructor(field: string, message: string | RecordMessage) {
    super(message, { facts: { field } });
    this.field = field;
  }
}

export type CertificateProblem = 'wrong-password' | 'corrupt' | 'no-private-key' | 'no-certificate';

export class CertificateError extends ConfigError {
  readonly problem: CertificateProblem;

  constructor(problem: CertificateProblem, message: string) {
    super(message, { facts: { problem } });
    this.problem = problem;
  }
}
