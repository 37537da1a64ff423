/**
 * Error bodies in RFC 7807 "problem details" as Brazilian payment APIs write them (BACEN's API
 * Pix, Banco Inter): `title`, `detail`, the problem `type` and a list of `violacoes`
 * (`razao`, `propriedade`, `valor`) naming each field at fault; and OAuth2 token errors
 * (RFC 6749 §5.2: `error`, `error_description`). One reading for every such provider.
 */

export interface Violation {
  razao?: string;
  propriedade?: string;
  valor?: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  correlationId?: string;
  violacoes?: Violation[];
  error?: string;
  error_description?: string;
}

export function problemOf(body: unknown): Problem | null {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Problem) : null;
}

/** "<title>: <detail> [<type>]. <razao> (<propriedade> = <valor>); …", the provider's own words. */
export function describeProblem(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  const p = problemOf(body);
  if (!p) return undefined;
  if (p.error) return p.error_description ? `${p.error}: ${p.error_description}` : p.error;
  const head = [p.title, p.detail].filter((s) => typeof s === 'string' && s.trim()).join(': ');
  // The type's last segment is the API Pix error name (CobOperacaoInvalida, PixNaoEncontrado…).
  const name = typeof p.type === 'string' ? p.type.split('/').pop() : undefined;
  const violations = (Array.isArray(p.violacoes) ? p.violacoes : [])
    .filter((v) => v && (v.razao || v.propriedade))
    .map((v) => {
      const where = v.propriedade ? ` (${v.propriedade}${v.valor !== undefined && v.valor !== '' ? ` = ${v.valor}` : ''})` : '';
      return `${v.razao ?? 'invalid'}${where}`;
    });
  const text = [head + (name && !head.includes(name) ? ` [${name}]` : ''), violations.join('; ')].filter(Boolean).join('. ');
  const withId = p.correlationId ? `${text} (correlationId ${p.correlationId})` : text;
  return withId.trim() || undefined;
}
