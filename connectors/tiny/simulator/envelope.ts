/** Tiny API v2 answers, as the simulator sends them: always the `retorno` envelope, errors inside HTTP 200. */

export type Retorno = Record<string, unknown>;

/** Tiny's "status de processamento": 1 not processed, 2 processed with errors, 3 processed, 4 partially. */
export const PROCESSED = 3;

export function ok(fields: Retorno = {}): { retorno: Retorno } {
  return { retorno: { status_processamento: PROCESSED, status: 'OK', ...fields } };
}

/** A refusal of the whole request (token, limits, missing parameters, not found…). */
export function fail(codigo_erro: number, ...messages: string[]): { retorno: Retorno } {
  return { retorno: { status_processamento: 1, status: 'Erro', codigo_erro, erros: messages.map((erro) => ({ erro })) } };
}

/** The outcome of one record of a write batch. */
export interface RegistroOutcome {
  sequencia: number;
  id?: number;
  error?: { code: number; messages: string[] };
  extra?: Record<string, unknown>;
}

/**
 * A write batch's answer: `registros` with one `registro` per record. The envelope says "Erro"
 * when every record failed, "Parcial" when some did (Tiny's wording on `produto.atualizar.precos`).
 */
export function written(outcomes: RegistroOutcome[], options: { single?: boolean } = {}): { retorno: Retorno } {
  const registros = outcomes.map((o) => ({
    registro: o.error
      ? { sequencia: o.sequencia, status: 'Erro', codigo_erro: o.error.code, erros: o.error.messages.map((erro) => ({ erro })) }
      : { sequencia: o.sequencia, status: 'OK', id: o.id, ...o.extra },
  }));
  const failed = outcomes.filter((o) => o.error).length;
  const status = failed === 0 ? 'OK' : failed === outcomes.length ? 'Erro' : 'Parcial';
  return {
    retorno: {
      status_processamento: failed === 0 ? PROCESSED : failed === outcomes.length ? 2 : 4,
      status,
      // `pedido.incluir` answers one `registro` object rather than a list.
      registros: options.single && registros.length === 1 ? registros[0] : registros,
    },
  };
}

/** Thrown inside a method handler to answer one of Tiny's errors. */
export class TinyFault extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const CODES = {
  tokenMissing: 1,
  tokenInvalid: 2,
  malformed: 3,
  tooManyInLastMinute: 6,
  missingParameter: 10,
  tooManyConcurrent: 11,
  noRecords: 20,
  tooManyInBatch: 22,
  pageDoesNotExist: 23,
  duplicate: 30,
  validation: 31,
  notFound: 32,
  unexpected: 35,
} as const;

// Tiny dates are Brasília time (UTC-3).
const OFFSET_MS = 3 * 3600_000;

/** `dd/mm/yyyy hh:mm:ss` (Brasília) of a moment. */
export function tinyDateTime(ms: number): string {
  const d = new Date(ms - OFFSET_MS).toISOString();
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)} ${d.slice(11, 19)}`;
}

export function tinyDate(ms: number): string {
  return tinyDateTime(ms).slice(0, 10);
}

/** Parses `dd/mm/yyyy` or `dd/mm/yyyy hh:mm[:ss]` (Brasília) to epoch ms; null when it is not that. */
export function parseTinyDate(value: string | undefined): number | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec((value ?? '').trim());
  if (!m) return null;
  const [, dd, mm, yyyy, hh = '00', mi = '00', ss = '00'] = m;
  const ms = Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd), Number(hh), Number(mi), Number(ss)) + OFFSET_MS;
  return Number.isNaN(ms) ? null : ms;
}
