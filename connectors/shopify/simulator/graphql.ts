/**
 * A small GraphQL engine for the Shopify simulator: parse one operation, check it against a
 * schema the way Shopify does before running it (unknown fields, arguments and input fields,
 * required arguments, variable types, connection sizes), price it with Shopify's cost model,
 * and project resolver results onto the selection so a field the client did not ask for is
 * not in the answer. It supports what the connector and its tests send: operations with
 * variables, aliases, arguments, directives and nested selections; no fragments.
 */

// ---------------------------------------------------------------------------------------------
// Syntax

export type ValueNode =
  | { kind: 'Variable'; name: string }
  | { kind: 'Literal'; value: unknown }
  | { kind: 'Enum'; value: string }
  | { kind: 'List'; values: ValueNode[] }
  | { kind: 'Object'; fields: Record<string, ValueNode> };

export interface FieldNode {
  alias?: string;
  name: string;
  args: Record<string, ValueNode>;
  directives: Record<string, Record<string, ValueNode>>;
  selections: FieldNode[] | null;
  line: number;
  column: number;
}

export type TypeRef = { kind: 'Named'; name: string } | { kind: 'List'; of: TypeRef } | { kind: 'NonNull'; of: TypeRef };

export interface OperationNode {
  type: 'query' | 'mutation';
  name?: string;
  variables: Array<{ name: string; type: TypeRef; defaultValue?: ValueNode }>;
  selections: FieldNode[];
}

/** A GraphQL error as Shopify puts it in `errors[]`. */
export interface GraphQLErrorBody {
  message: string;
  locations?: Array<{ line: number; column: number }>;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

export class GraphQLFailure extends Error {
  constructor(readonly errors: GraphQLErrorBody[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

export function fail(message: string, extensions?: Record<string, unknown>, at?: { line: number; column: number }, path?: Array<string | number>): never {
  throw new GraphQLFailure([{ message, ...(at ? { locations: [{ line: at.line, column: at.column }] } : {}), ...(path ? { path } : {}), ...(extensions ? { extensions } : {}) }]);
}

interface Token {
  kind: 'punct' | 'name' | 'int' | 'float' | 'string' | 'eof';
  value: string;
  line: number;
  column: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = () => ({ line, column: i - lineStart + 1 });
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === ',' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const pos = at();
    if (source.startsWith('...', i)) fail(`syntax error, unexpected ELLIPSIS ("...") at [${pos.line}, ${pos.column}]: fragments are not supported by the simulator`, undefined, pos);
    if ('!$()[]{}:=@|'.includes(c)) {
      tokens.push({ kind: 'punct', value: c, ...pos });
      i++;
      continue;
    }
    if (/[_A-Za-z]/.test(c)) {
      const m = /^[_A-Za-z][_0-9A-Za-z]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'name', value: m[0], ...pos });
      i += m[0].length;
      continue;
    }
    if (/[-0-9]/.test(c)) {
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i));
      if (!m) fail(`syntax error, unexpected character "${c}" at [${pos.line}, ${pos.column}]`, undefined, pos);
      tokens.push({ kind: m[2] || m[3] ? 'float' : 'int', value: m[0], ...pos });
      i += m[0].length;
      continue;
    }
    if (c === '"') {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        if (end < 0) fail(`syntax error, unterminated string at [${pos.line}, ${pos.column}]`, undefined, pos);
        const raw = source.slice(i + 3, end);
        tokens.push({ kind: 'string', value: raw, ...pos });
        for (const ch of raw) if (ch === '\n') line++;
        i = end + 3;
        continue;
      }
      let j = i + 1;
      let out = '';
      while (j < source.length && source[j] !== '"') {
        if (source[j] === '\n') fail(`syntax error, unterminated string at [${pos.line}, ${pos.column}]`, undefined, pos);
        if (source[j] === '\\') {
          const e = source[j + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };
          if (e === 'u') {
            out += String.fromCharCode(parseInt(source.slice(j + 2, j + 6), 16));
            j += 6;
          } else {
            out += map[e] ?? e;
            j += 2;
          }
        } else out += source[j++];
      }
      if (j >= source.length) fail(`syntax error, unterminated string at [${pos.line}, ${pos.column}]`, undefined, pos);
      tokens.push({ kind: 'string', value: out, ...pos });
      i = j + 1;
      continue;
    }
    fail(`syntax error, unexpected character "${c}" at [${pos.line}, ${pos.column}]`, undefined, pos);
  }
  tokens.push({ kind: 'eof', value: '', line, column: i - lineStart + 1 });
  return tokens;
}

/** Parses a document holding exactly one operation (Shopify runs one per request). */
export function parse(source: string): OperationNode {
  const tokens = tokenize(source);
  let p = 0;
  const peek = () => tokens[p];
  const unexpected = (t: Token): never =>
    fail(`syntax error, unexpected ${t.kind === 'eof' ? 'end of file' : `${t.kind.toUpperCase()} ("${t.value}")`} at [${t.line}, ${t.column}]`, undefined, t);
  const expect = (value: string) => {
    const t = tokens[p];
    if (t.kind !== 'punct' || t.value !== value) unexpected(t);
    p++;
    return t;
  };
  const isPunct = (value: string) => peek().kind === 'punct' && peek().value === value;
  const name = () => {
    const t = tokens[p];
    if (t.kind !== 'name') unexpected(t);
    p++;
    return t.value;
  };

  const parseType = (): TypeRef => {
    let type: TypeRef;
    if (isPunct('[')) {
      p++;
      type = { kind: 'List', of: parseType() };
      expect(']');
    } else type = { kind: 'Named', name: name() };
    if (isPunct('!')) {
      p++;
      type = { kind: 'NonNull', of: type };
    }
    return type;
  };

  const parseValue = (): ValueNode => {
    const t = peek();
    if (t.kind === 'punct' && t.value === '$') {
      p++;
      return { kind: 'Variable', name: name() };
    }
    if (t.kind === 'punct' && t.value === '[') {
      p++;
      const values: ValueNode[] = [];
      while (!isPunct(']')) values.push(parseValue());
      p++;
      return { kind: 'List', values };
    }
    if (t.kind === 'punct' && t.value === '{') {
      p++;
      const fields: Record<string, ValueNode> = {};
      while (!isPunct('}')) {
        const key = name();
        expect(':');
        fields[key] = parseValue();
      }
      p++;
      return { kind: 'Object', fields };
    }
    p++;
    if (t.kind === 'int') return { kind: 'Literal', value: Number.parseInt(t.value, 10) };
    if (t.kind === 'float') return { kind: 'Literal', value: Number.parseFloat(t.value) };
    if (t.kind === 'string') return { kind: 'Literal', value: t.value };
    if (t.kind === 'name') {
      if (t.value === 'true' || t.value === 'false') return { kind: 'Literal', value: t.value === 'true' };
      if (t.value === 'null') return { kind: 'Literal', value: null };
      return { kind: 'Enum', value: t.value };
    }
    return unexpected(t);
  };

  const parseArgs = (): Record<string, ValueNode> => {
    const args: Record<string, ValueNode> = {};
    if (!isPunct('(')) return args;
    p++;
    while (!isPunct(')')) {
      const key = name();
      expect(':');
      args[key] = parseValue();
    }
    p++;
    return args;
  };

  const parseDirectives = () => {
    const directives: Record<string, Record<string, ValueNode>> = {};
    while (isPunct('@')) {
      p++;
      directives[name()] = parseArgs();
    }
    return directives;
  };

  const parseSelections = (): FieldNode[] => {
    expect('{');
    const fields: FieldNode[] = [];
    while (!isPunct('}')) {
      const t = peek();
      let fieldName = name();
      let alias: string | undefined;
      if (isPunct(':')) {
        p++;
        alias = fieldName;
        fieldName = name();
      }
      const args = parseArgs();
      const directives = parseDirectives();
      const selections = isPunct('{') ? parseSelections() : null;
      fields.push({ alias, name: fieldName, args, directives, selections, line: t.line, column: t.column });
    }
    p++;
    if (fields.length === 0) unexpected(tokens[p - 1]);
    return fields;
  };

  let op: OperationNode;
  if (isPunct('{')) op = { type: 'query', variables: [], selections: parseSelections() };
  else {
    const kind = name();
    if (kind !== 'query' && kind !== 'mutation') return unexpected(tokens[p - 1]);
    const opName = peek().kind === 'name' ? name() : undefined;
    const variables: OperationNode['variables'] = [];
    if (isPunct('(')) {
      p++;
      while (!isPunct(')')) {
        expect('$');
        const varName = name();
        expect(':');
        const type = parseType();
        let defaultValue: ValueNode | undefined;
        if (isPunct('=')) {
          p++;
          defaultValue = parseValue();
        }
        variables.push({ name: varName, type, defaultValue });
      }
      p++;
    }
    parseDirectives();
    op = { type: kind, name: opName, variables, selections: parseSelections() };
  }
  if (peek().kind !== 'eof') fail('This document holds more than one operation; the simulator runs exactly one per request', undefined, peek());
  return op;
}

// ---------------------------------------------------------------------------------------------
// Schema

export type FieldKind = 'scalar' | 'object' | 'list' | 'connection';

export interface FieldSpec {
  kind: FieldKind;
  /** Scalar/enum name, or the object type (of the items, for lists and connections). */
  type: string;
  /** Argument name -> GraphQL type, e.g. `ID!`, `[String!]`, `ProductSetInput!`. */
  args?: Record<string, string>;
}

export interface Schema {
  /** Object types: field name -> spec. */
  types: Record<string, Record<string, FieldSpec>>;
  /** Input object types: field name -> GraphQL type. */
  inputs: Record<string, Record<string, string>>;
  enums: Record<string, string[]>;
  query: Record<string, FieldSpec>;
  mutation: Record<string, FieldSpec>;
}

export const SCALARS = new Set(['String', 'ID', 'Int', 'Float', 'Boolean', 'DateTime', 'Money', 'Decimal', 'URL', 'HTML', 'JSON', 'UnsignedInt64', 'FormattedString']);

export function parseTypeString(type: string): TypeRef {
  if (type.endsWith('!')) return { kind: 'NonNull', of: parseTypeString(type.slice(0, -1)) };
  if (type.startsWith('[')) return { kind: 'List', of: parseTypeString(type.slice(1, -1)) };
  return { kind: 'Named', name: type };
}

export function typeToString(type: TypeRef): string {
  if (type.kind === 'NonNull') return `${typeToString(type.of)}!`;
  if (type.kind === 'List') return `[${typeToString(type.of)}]`;
  return type.name;
}

function namedType(type: TypeRef): string {
  return type.kind === 'Named' ? type.name : namedType(type.of);
}

/** Arguments every connection takes, as in Shopify's schema. */
const CONNECTION_ARGS: Record<string, string> = { first: 'Int', after: 'String', last: 'Int', before: 'String', reverse: 'Boolean' };

/** Shopify: `first`/`last` may not exceed 250. */
export const MAX_PAGE_SIZE = 250;
/** Shopify: a single query may not cost more than 1,000 points. */
export const MAX_QUERY_COST = 1000;

// ---------------------------------------------------------------------------------------------
// Validation, cost and execution

/** A resolver result: plain values, or functions of the field's arguments (connections, args). */
export type Source = Record<string, unknown>;

export interface ConnectionResult {
  nodes: Source[];
  cursors: string[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export interface ResolverInfo {
  directives: Record<string, Record<string, unknown>>;
}

export type Resolver = (args: Record<string, unknown>, info: ResolverInfo) => unknown;

export interface ExecutionResult {
  data: Record<string, unknown> | null;
  errors?: GraphQLErrorBody[];
  requestedCost: number;
  actualCost: number;
}

interface Context {
  schema: Schema;
  variables: Record<string, unknown>;
  varTypes: Map<string, TypeRef>;
}

/** The argument values of a field, variables substituted. */
function argValues(ctx: Context, field: FieldNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(field.args)) out[k] = valueOf(ctx, v);
  return out;
}

function valueOf(ctx: Context, node: ValueNode): unknown {
  switch (node.kind) {
    case 'Variable':
      return ctx.variables[node.name];
    case 'Literal':
      return node.value;
    case 'Enum':
      return node.value;
    case 'List':
      return node.values.map((v) => valueOf(ctx, v));
    case 'Object':
      return Object.fromEntries(Object.entries(node.fields).map(([k, v]) => [k, valueOf(ctx, v)]));
  }
}

/** Why a value does not fit a type, or null when it does. `path` names where, for the message. */
function checkValue(schema: Schema, type: TypeRef, value: unknown, path: string): string | null {
  if (type.kind === 'NonNull') {
    if (value === null || value === undefined) return `${path || 'value'}: Expected value to not be null`;
    return checkValue(schema, type.of, value, path);
  }
  if (value === null || value === undefined) return null;
  if (type.kind === 'List') {
    const items = Array.isArray(value) ? value : [value];
    if (items.length > MAX_PAGE_SIZE) return `${path}: The input array size of ${items.length} is greater than the maximum allowed of ${MAX_PAGE_SIZE}.`;
    for (let i = 0; i < items.length; i++) {
      const problem = checkValue(schema, type.of, items[i], path ? `${path}.${i}` : String(i));
      if (problem) return problem;
    }
    return null;
  }
  const name = type.name;
  if (SCALARS.has(name)) {
    switch (name) {
      case 'Int':
        return Number.isInteger(value) ? null : `${path}: Could not coerce value ${JSON.stringify(value)} to Int`;
      case 'Float':
        return typeof value === 'number' ? null : `${path}: Could not coerce value ${JSON.stringify(value)} to Float`;
      case 'Boolean':
        return typeof value === 'boolean' ? null : `${path}: Could not coerce value ${JSON.stringify(value)} to Boolean`;
      case 'Money':
      case 'Decimal':
        return (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) || typeof value === 'number' ? null : `${path}: invalid ${name} value ${JSON.stringify(value)}`;
      case 'JSON':
        return null;
      default:
        return typeof value === 'string' ? null : `${path}: Could not coerce value ${JSON.stringify(value)} to ${name}`;
    }
  }
  const enumValues = schema.enums[name];
  if (enumValues) return enumValues.includes(value as string) ? null : `${path}: Expected "${String(value)}" to be one of: ${enumValues.join(', ')}`;
  const input = schema.inputs[name];
  if (!input) return `${path}: unknown type ${name}`;
  if (typeof value !== 'object' || Array.isArray(value)) return `${path}: Expected value to be an object`;
  for (const key of Object.keys(value as object)) if (!(key in input)) return `${path ? `${path}.` : ''}${key}: Field is not defined on ${name}`;
  for (const [key, fieldType] of Object.entries(input)) {
    const problem = checkValue(schema, parseTypeString(fieldType), (value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    if (problem) return problem;
  }
  return null;
}

function fieldsOf(schema: Schema, typeName: string): Record<string, FieldSpec> {
  return schema.types[typeName] ?? {};
}

/** Connection types are synthesised: nodes, edges { cursor node }, pageInfo. */
const PAGE_INFO: Record<string, FieldSpec> = {
  hasNextPage: { kind: 'scalar', type: 'Boolean' },
  hasPreviousPage: { kind: 'scalar', type: 'Boolean' },
  startCursor: { kind: 'scalar', type: 'String' },
  endCursor: { kind: 'scalar', type: 'String' },
};

/** Checks a selection against the schema before anything runs, as Shopify's static validation does. */
function validateSelection(ctx: Context, typeName: string, fields: Record<string, FieldSpec>, selections: FieldNode[], path: string[]) {
  for (const field of selections) {
    if (field.name === '__typename') continue;
    const spec = fields[field.name];
    const at = { line: field.line, column: field.column };
    const here = [...path, field.alias ?? field.name];
    if (!spec) fail(`Field '${field.name}' doesn't exist on type '${typeName}'`, { code: 'undefinedField', typeName, fieldName: field.name }, at, here);
    const declared = spec.kind === 'connection' ? { ...CONNECTION_ARGS, ...spec.args } : (spec.args ?? {});
    for (const arg of Object.keys(field.args))
      if (!(arg in declared)) fail(`Field '${field.name}' doesn't accept argument '${arg}'`, { code: 'argumentNotAccepted', name: field.name, typeName: 'Field', argumentName: arg }, at, here);
    const missing = Object.entries(declared).filter(([k, t]) => t.endsWith('!') && !(k in field.args)).map(([k]) => k);
    if (missing.length) fail(`Field '${field.name}' is missing required arguments: ${missing.join(', ')}`, { code: 'missingRequiredArguments', className: 'Field', name: field.name, arguments: missing.join(', ') }, at, here);
    for (const [arg, node] of Object.entries(field.args)) {
      const expected = parseTypeString(declared[arg]);
      if (node.kind === 'Variable') {
        const varType = ctx.varTypes.get(node.name);
        if (!varType) fail(`Variable $${node.name} is used by ${field.name} but not declared`, { code: 'variableNotDefined', variableName: node.name }, at, here);
        if (namedType(varType) !== namedType(expected))
          fail(`Type mismatch on variable $${node.name} and argument ${arg} (${typeToString(varType)} / ${declared[arg]})`, { code: 'variableMismatch', variableName: node.name, typeName: typeToString(varType), argumentName: arg, errorMessage: 'Type mismatch' }, at, here);
      } else {
        const problem = checkValue(ctx.schema, expected, valueOf(ctx, node), '');
        if (problem) fail(`Argument '${arg}' on Field '${field.name}' has an invalid value (${problem}).`, { code: 'argumentLiteralsIncompatible', typeName: 'Field', argumentName: arg }, at, here);
      }
    }
    if (spec.kind === 'connection') {
      const args = argValues(ctx, field);
      if (args.first == null && args.last == null) fail('you must provide one of first or last', { code: 'BAD_REQUEST' }, at, here);
      const size = Number(args.first ?? args.last);
      if (size > MAX_PAGE_SIZE || size < 0) fail(`The ${args.first != null ? 'first' : 'last'} argument of ${field.name} must be between 0 and ${MAX_PAGE_SIZE}; got ${size}`, { code: 'BAD_REQUEST' }, at, here);
    }
    const isLeaf = spec.kind === 'scalar' || (spec.kind === 'list' && (SCALARS.has(spec.type) || spec.type in ctx.schema.enums));
    if (isLeaf && field.selections) fail(`Selections can't be made on scalars (field '${field.name}' returns ${spec.type} but has selections [${field.selections.map((s) => s.name).join(', ')}])`, { code: 'selectionMismatch', nodeName: `field '${field.name}'`, typeName: spec.type }, at, here);
    if (!isLeaf && !field.selections) fail(`Field must have selections (field '${field.name}' returns ${spec.type} but has no selections. Did you mean '${field.name} { ... }'?)`, { code: 'selectionMismatch', nodeName: `field '${field.name}'`, typeName: spec.type }, at, here);
    if (!field.selections) continue;
    if (spec.kind === 'connection') {
      const connectionFields: Record<string, FieldSpec> = {
        nodes: { kind: 'list', type: spec.type },
        edges: { kind: 'list', type: `${spec.type}Edge` },
        pageInfo: { kind: 'object', type: 'PageInfo' },
      };
      for (const sub of field.selections) {
        if (sub.name === '__typename') continue;
        if (!connectionFields[sub.name]) fail(`Field '${sub.name}' doesn't exist on type '${spec.type}Connection'`, { code: 'undefinedField', typeName: `${spec.type}Connection`, fieldName: sub.name }, sub, [...here, sub.name]);
        if (!sub.selections) fail(`Field must have selections (field '${sub.name}')`, { code: 'selectionMismatch' }, sub, [...here, sub.name]);
        if (sub.name === 'nodes') validateSelection(ctx, spec.type, fieldsOf(ctx.schema, spec.type), sub.selections, [...here, 'nodes']);
        if (sub.name === 'pageInfo') validateSelection(ctx, 'PageInfo', PAGE_INFO, sub.selections, [...here, 'pageInfo']);
        if (sub.name === 'edges')
          for (const e of sub.selections) {
            if (e.name === 'cursor' || e.name === '__typename') continue;
            if (e.name !== 'node' || !e.selections) fail(`Field '${e.name}' doesn't exist on type '${spec.type}Edge'`, { code: 'undefinedField', typeName: `${spec.type}Edge`, fieldName: e.name }, e, [...here, 'edges', e.name]);
            validateSelection(ctx, spec.type, fieldsOf(ctx.schema, spec.type), e.selections, [...here, 'edges', 'node']);
          }
      }
    } else validateSelection(ctx, spec.type, fieldsOf(ctx.schema, spec.type), field.selections, here);
  }
}

/**
 * Shopify's requested cost: scalars and enums 0, objects 1, connections 2 plus the number of
 * nodes asked for (`first`/`last`) times what each node costs. Mutations cost 10 plus what the
 * mutation itself adds (productSet: per variant).
 */
function requestedCost(ctx: Context, fields: Record<string, FieldSpec>, selections: FieldNode[]): number {
  let cost = 0;
  for (const field of selections) {
    const spec = fields[field.name];
    if (!spec || spec.kind === 'scalar' || !field.selections) continue;
    const child = fieldsOf(ctx.schema, spec.type);
    if (spec.kind === 'object' || spec.kind === 'list') cost += 1 + requestedCost(ctx, child, field.selections);
    else {
      const args = argValues(ctx, field);
      const size = Number(args.first ?? args.last ?? 0);
      let perNode = 0;
      for (const sub of field.selections) {
        if (sub.name === 'nodes' && sub.selections) perNode = Math.max(perNode, requestedCost(ctx, child, sub.selections));
        if (sub.name === 'edges' && sub.selections)
          for (const e of sub.selections) if (e.name === 'node' && e.selections) perNode = Math.max(perNode, requestedCost(ctx, child, e.selections));
      }
      cost += 2 + size * (1 + perNode);
    }
  }
  return cost;
}

export interface OperationPlan {
  operation: OperationNode;
  requestedCost: number;
  run(resolvers: Record<string, Resolver>): ExecutionResult;
}

/**
 * Validates an operation and its variables and prices it; `run` executes it. Throws
 * GraphQLFailure for anything Shopify refuses before execution.
 */
export function plan(schema: Schema, source: string, rawVariables: Record<string, unknown> | undefined, mutationCost: (field: string, args: Record<string, unknown>) => number): OperationPlan {
  const operation = parse(source);
  const variables: Record<string, unknown> = {};
  const varTypes = new Map<string, TypeRef>();
  const provided = rawVariables ?? {};
  for (const v of operation.variables) {
    varTypes.set(v.name, v.type);
    const value = v.name in provided ? provided[v.name] : v.defaultValue ? valueOf({ schema, variables: {}, varTypes }, v.defaultValue) : undefined;
    const problem = checkValue(schema, v.type, value, '');
    if (problem) {
      const [where, ...rest] = problem.split(': ');
      const explanation = rest.length ? rest.join(': ') : where;
      fail(
        `Variable $${v.name} of type ${typeToString(v.type)} was provided invalid value${rest.length && where ? ` for ${where}` : ''}`,
        { value: value ?? null, problems: [{ path: rest.length && where ? where.split('.') : [], explanation }] },
      );
    }
    variables[v.name] = value;
  }
  const ctx: Context = { schema, variables, varTypes };
  const root = operation.type === 'query' ? schema.query : schema.mutation;
  validateSelection(ctx, operation.type === 'query' ? 'QueryRoot' : 'Mutation', root, operation.selections, []);
  const cost =
    operation.type === 'query'
      ? requestedCost(ctx, root, operation.selections)
      : operation.selections.reduce((sum, f) => sum + (f.name === '__typename' ? 0 : mutationCost(f.name, argValues(ctx, f))), 0);

  return {
    operation,
    requestedCost: cost,
    run(resolvers) {
      const data: Record<string, unknown> = {};
      const errors: GraphQLErrorBody[] = [];
      const meter = { cost: operation.type === 'mutation' ? cost : 0 };
      for (const field of operation.selections) {
        const key = field.alias ?? field.name;
        if (field.name === '__typename') {
          data[key] = operation.type === 'query' ? 'QueryRoot' : 'Mutation';
          continue;
        }
        const resolver = resolvers[field.name];
        try {
          if (!resolver) fail(`Field '${field.name}' is not implemented by the simulator`, { code: 'undefinedField' }, field, [key]);
          const directives = Object.fromEntries(Object.entries(field.directives).map(([d, args]) => [d, Object.fromEntries(Object.entries(args).map(([k, v]) => [k, valueOf(ctx, v)]))]));
          const value = resolver(argValues(ctx, field), { directives });
          data[key] = project(ctx, root[field.name], value, field, meter, [key]);
        } catch (err) {
          if (!(err instanceof GraphQLFailure)) throw err;
          data[key] = null;
          for (const e of err.errors) errors.push({ locations: [{ line: field.line, column: field.column }], path: [key], ...e });
        }
      }
      return { data, ...(errors.length ? { errors } : {}), requestedCost: cost, actualCost: Math.min(cost, meter.cost) };
    },
  };
}

/** Keeps exactly the selected fields of a resolved value; counts the actual cost on the way. */
function project(ctx: Context, spec: FieldSpec, raw: unknown, field: FieldNode, meter: { cost: number }, path: Array<string | number>): unknown {
  const value = typeof raw === 'function' ? (raw as Resolver)(argValues(ctx, field), { directives: {} }) : raw;
  if (value === null || value === undefined) return null;
  if (spec.kind === 'scalar' || !field.selections) return value;
  const fields = fieldsOf(ctx.schema, spec.type);
  const object = (source: Source, selections: FieldNode[], at: Array<string | number>) => {
    const out: Record<string, unknown> = {};
    for (const sub of selections) {
      const key = sub.alias ?? sub.name;
      if (sub.name === '__typename') out[key] = spec.type;
      else out[key] = project(ctx, fields[sub.name], source[sub.name], sub, meter, [...at, key]);
    }
    return out;
  };
  if (spec.kind === 'object') {
    meter.cost += 1;
    return object(value as Source, field.selections, path);
  }
  if (spec.kind === 'list') {
    meter.cost += 1;
    return (value as unknown[]).map((item, i) => (item && typeof item === 'object' ? object(item as Source, field.selections!, [...path, i]) : item));
  }
  const page = value as ConnectionResult;
  meter.cost += 2 + page.nodes.length;
  const out: Record<string, unknown> = {};
  for (const sub of field.selections) {
    const key = sub.alias ?? sub.name;
    if (sub.name === 'nodes') out[key] = page.nodes.map((n, i) => object(n, sub.selections!, [...path, key, i]));
    else if (sub.name === 'pageInfo') out[key] = Object.fromEntries(sub.selections!.map((s) => [s.alias ?? s.name, (page.pageInfo as Record<string, unknown>)[s.name]]));
    else if (sub.name === 'edges')
      out[key] = page.nodes.map((n, i) => {
        const edge: Record<string, unknown> = {};
        for (const e of sub.selections!) {
          if (e.name === 'cursor') edge[e.alias ?? 'cursor'] = page.cursors[i];
          if (e.name === 'node') edge[e.alias ?? 'node'] = object(n, e.selections!, [...path, key, i, 'node']);
        }
        return edge;
      });
  }
  return out;
}
