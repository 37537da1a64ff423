/**
 * Where things are in a JSON answer: a dotted path (`data`, `meta.next`, `links.0.href`) read
 * directly, or any other JSONata expression (`data[status='A']`, `$.result.items`) evaluated by
 * jsonata. Empty or `$` means the body itself. Compiled expressions are cached.
 */
import jsonata from 'jsonata';
import { ConfigError } from '../http/errors';

const DOTTED = /^[A-Za-z_][\w-]*(\.[\w-]+)*$/;
const compiled = new Map<string, ReturnType<typeof jsonata>>();

export function isDottedPath(path: string): boolean {
  return DOTTED.test(path);
}

/** Checks a path once, so a typo is reported as the setting it came from. */
export function checkPath(path: string | undefined, setting: string): void {
  if (!path || path === '$' || isDottedPath(path)) return;
  expression(path, setting);
}

function expression(path: string, setting: string) {
  let expr = compiled.get(path);
  if (!expr) {
    try {
      expr = jsonata(path);
    } catch (err) {
      throw new ConfigError(`${setting} "${path}" is neither a dotted path (data.items) nor a valid JSONata expression: ${(err as Error).message}`);
    }
    compiled.set(path, expr);
  }
  return expr;
}

function walk(value: unknown, path: string): unknown {
  let at = value;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

export async function evaluate(path: string | undefined, value: unknown, setting: string): Promise<unknown> {
  if (!path || path === '$') return value;
  if (isDottedPath(path)) return walk(value, path);
  try {
    return await expression(path, setting).evaluate(value);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${setting} "${path}" failed on the answer: ${(err as Error).message}`);
  }
}

/** Sets `value` at a dotted path of a copy of `data` (objects created on the way). */
export function setAtPath(data: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const parts = path.split('.');
  const out = { ...data };
  let at: Record<string, unknown> = out;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    at[part] = next && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    at = at[part] as Record<string, unknown>;
  }
  at[parts[parts.length - 1]] = value;
  return out;
}
