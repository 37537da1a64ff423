/**
 * Shopify's search syntax for the `query:` argument of list queries, the part Ponte uses:
 * `field:value`, `field:'quoted value'`, comparisons (`updated_at:>='2026-01-01T00:00:00Z'`),
 * `-field:value` negation, implicit AND, and `OR` between terms.
 *
 * Shopify does not refuse an unknown filter field: it answers with a warning in
 * `extensions.search` and the filter matches nothing useful. The simulator matches nothing, so a
 * client that filters on a field the resource does not have sees an empty list in its tests.
 */

export type Comparator = ':' | ':>' | ':>=' | ':<' | ':<=';

export interface SearchTerm {
  field: string;
  op: Comparator;
  value: string;
  negated: boolean;
}

export interface SearchWarning {
  field: string;
  message: string;
}

/** Field name -> how to read it from a record: a string (exact, case-insensitive) or a date/number. */
export type Filterable<T> = Record<string, { kind: 'text' | 'date' | 'number' | 'list'; get(record: T): string | number | string[] | null | undefined }>;

export interface CompiledSearch<T> {
  matches(record: T): boolean;
  warnings: SearchWarning[];
}

/** Splits a query into OR-groups of AND-ed terms. */
export function parseSearch(query: string): SearchTerm[][] {
  const groups: SearchTerm[][] = [[]];
  const re = /\s*(-?)([A-Za-z_.]+)(:>=|:<=|:>|:<|:)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s)]+)|\s*(OR|AND)\b|\s*(\S+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query)) !== null) {
    if (m[0].trim() === '') break;
    if (m[5] === 'OR') {
      groups.push([]);
      continue;
    }
    if (m[5] === 'AND') continue;
    if (m[6] !== undefined) {
      // Free text: Shopify searches default fields; the simulator treats it as a title search.
      groups[groups.length - 1].push({ field: 'default', op: ':', value: m[6], negated: false });
      continue;
    }
    let value = m[4];
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    groups[groups.length - 1].push({ field: m[2], op: m[3] as Comparator, value, negated: m[1] === '-' });
  }
  return groups.filter((g) => g.length > 0);
}

export function compileSearch<T>(query: string | null | undefined, fields: Filterable<T>): CompiledSearch<T> {
  if (!query || !query.trim()) return { matches: () => true, warnings: [] };
  const groups = parseSearch(query);
  const warnings: SearchWarning[] = [];
  for (const group of groups) for (const t of group) if (!fields[t.field]) warnings.push({ field: t.field, message: 'Invalid search field for this query.' });
  const termMatches = (record: T, t: SearchTerm): boolean => {
    const spec = fields[t.field];
    if (!spec) return false;
    const actual = spec.get(record);
    let ok: boolean;
    if (spec.kind === 'date' || spec.kind === 'number') {
      const a = spec.kind === 'date' ? Date.parse(String(actual)) : Number(actual);
      const b = spec.kind === 'date' ? Date.parse(t.value) : Number(t.value);
      if (actual == null || Number.isNaN(a) || Number.isNaN(b)) ok = false;
      else if (t.op === ':>') ok = a > b;
      else if (t.op === ':>=') ok = a >= b;
      else if (t.op === ':<') ok = a < b;
      else if (t.op === ':<=') ok = a <= b;
      else ok = a === b;
    } else if (spec.kind === 'list') {
      ok = Array.isArray(actual) && actual.some((v) => v.toLowerCase() === t.value.toLowerCase());
    } else {
      const text = actual == null ? '' : String(actual).toLowerCase();
      const wanted = t.value.toLowerCase();
      // A trailing * is a prefix search, as in Shopify.
      ok = wanted.endsWith('*') ? text.startsWith(wanted.slice(0, -1)) : text === wanted;
    }
    return t.negated ? !ok : ok;
  };
  return { matches: (record) => groups.some((g) => g.every((t) => termMatches(record, t))), warnings };
}
