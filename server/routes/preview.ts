/**
 * The canvas's live preview: a few sample records read from a connection (its first page; the
 * answer holds records, never credentials), and a node's expressions evaluated over them with the
 * executors runs use, so what the editor shows is what a run will write.
 */
import type { FastifyInstance } from 'fastify';
import jsonata from 'jsonata';
import { PacerRegistry } from '../../connectors/http/pacing';
import { openConnection } from '../../connectors/runtime';
import { ENTITIES, type EntityName } from '../../connectors/types';
import type { PureEnv } from '../../nodes/executor';
import { withPonteFunctions } from '../../nodes/expression-functions';
import { pureExecutors } from '../../nodes/pure-executors';
import type { AppDeps } from '../app';
import { refreshConnectionTokens } from '../connections/oauth';
import { loadOpenableConnection, requireConnection } from '../connections/store';
import { BadInput, ConflictError } from '../errors';
import { loadValueMaps } from '../value-maps/store';

export const MAX_SAMPLE = 20;
/** A half-typed expression must not hold the API: a loop stops after this long, a runaway recursion at this depth. */
const LIMITS = { timeout: 1000, stack: 500 };
/** A sample read waits this long at most (a paced or slow provider). */
const SAMPLE_TIMEOUT_MS = 30_000;

export type PreviewKind = 'map' | 'transform' | 'condition';

export interface PreviewError {
  message: string;
  /** JSONata's position: the character (counted from 1) where the expression breaks. */
  position?: number;
  token?: string;
  code?: string;
  /** The map field whose expression failed. */
  field?: string;
}

export type PreviewResult = { output: unknown; kept?: boolean; matches?: boolean } | { error: PreviewError };

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

export function registerPreviewRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const { box } = deps;
  // Reads here are one page, apart from runs: their own pacers, so a preview never waits behind a sync.
  const pacers = new PacerRegistry();

  app.post<{ Params: { id: string }; Body: { entity: EntityName; limit: number } }>(
    '/api/connections/:id/sample',
    { config: { permission: 'edit' },
      schema: {
        tags: ['connections'],
        summary: `A few records of an entity as the connection reads them (its first page, at most ${MAX_SAMPLE}), for the editor's preview; never credentials`,
        params: idParam,
        body: {
          type: 'object',
          required: ['entity'],
          additionalProperties: false,
          properties: { entity: { type: 'string', enum: [...ENTITIES] }, limit: { type: 'integer', minimum: 1, maximum: MAX_SAMPLE, default: 5 } },
        },
      },
    },
    async (req) => {
      const row = await requireConnection(db, req.auth.tenantId, req.params.id);
      if (row.status === 'disabled') throw new ConflictError(`Connection "${row.name}" is disabled; enable it to read a sample`);
      const { entity, limit } = req.body;
      // A paused connection is not synced, but reading a page for the editor is not a sync.
      const conn = await loadOpenableConnection(db, box, req.auth.tenantId, row.id, { refreshTokens: (id, stale) => refreshConnectionTokens(db, box, req.auth.tenantId, id, stale) }, { evenIfStopped: true });
      const { connector, ctx } = openConnection(conn, pacers, AbortSignal.timeout(SAMPLE_TIMEOUT_MS));
      const reader = connector.entities[entity]?.read;
      if (!reader) {
        const reads = ENTITIES.filter((e) => connector.entities[e]?.read);
        throw new BadInput([{ field: 'entity', message: `${connector.name} cannot read ${entity}; it reads: ${reads.join(', ') || 'nothing'}` }]);
      }
      const page = await reader.read(ctx, { cursor: null, since: null, batchSize: limit });
      return { connectionId: row.id, entity, records: page.records.slice(0, limit).map((r) => ({ key: r.key, sku: r.sku, data: r.data })) };
    },
  );

  app.post<{ Body: { kind: PreviewKind; params: Record<string, unknown>; records: Array<Record<string, unknown>>; valueMapConnections?: string[] } }>(
    '/api/expressions/preview',
    { config: { permission: 'view' },
      schema: {
        tags: ['flows'],
        summary:
          'Evaluate a node\'s expressions over sample records, as a run would: map (params.fields), transform (params.mode, params.expression) or condition (params.expression, an approval\'s "when"). 200 with `error` when an expression does not parse; per record {output} or {error}',
        body: {
          type: 'object',
          required: ['kind', 'params', 'records'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: ['map', 'transform', 'condition'] },
            params: { type: 'object' },
            records: { type: 'array', maxItems: MAX_SAMPLE, items: { type: 'object' }, description: 'The records\' data, as expressions see it' },
            valueMapConnections: {
              type: 'array',
              maxItems: 10,
              items: { type: 'string', minLength: 1 },
              description: 'Connections whose de-para maps $depara searches, in order (a run: the target connection, then the source)',
            },
          },
        },
      },
    },
    async (req) => {
      const { kind, params, records } = req.body;
      const expressions = expressionsOf(kind, params);
      for (const [field, source] of expressions) {
        try {
          jsonata(source);
        } catch (err) {
          return { error: { ...describe(err), ...(kind === 'map' ? { field } : {}) }, results: [] };
        }
      }
      const env: PureEnv = { valueMaps: await loadValueMaps(db, req.auth.tenantId, req.body.valueMapConnections ?? []), limits: LIMITS };
      const results: PreviewResult[] = [];
      if (kind === 'condition') {
        // As the approval step evaluates it: plain JSONata, truthy holds the record.
        const expression = jsonata(params.expression as string, LIMITS);
        for (const data of records) results.push(await attempt(async () => {
          const value = await expression.evaluate(data);
          return { output: value ?? null, matches: Boolean(value) };
        }));
        return { results };
      }
      const fn = pureExecutors[kind].compile(params, env);
      for (const [i, data] of records.entries()) {
        const record = { key: String(i), data };
        results.push(
          await attempt(
            async () => {
              const out = await fn(record);
              if (kind === 'transform' && params.mode === 'filter') return { output: out ? out.data : null, kept: out !== null };
              return { output: out?.data ?? null };
            },
            // One evaluation covers every field of a map: find which one failed, and where in it.
            kind === 'map' ? () => failingField(expressions, data, env) : undefined,
          ),
        );
      }
      return { results };
    },
  );
}

/** The expressions of a preview request as [field, source] pairs; a request without them is refused (400). */
function expressionsOf(kind: PreviewKind, params: Record<string, unknown>): Array<[string, string]> {
  const problems: Array<{ field: string; message: string }> = [];
  const text = (field: string, value: unknown) => {
    if (typeof value !== 'string' || !value.trim()) problems.push({ field, message: `${field} must be a non-empty JSONata expression` });
  };
  let out: Array<[string, string]> = [];
  if (kind === 'map') {
    const fields = params.fields;
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) problems.push({ field: 'params.fields', message: 'params.fields must be an object: target field -> JSONata expression' });
    else {
      for (const [name, expr] of Object.entries(fields)) text(`params.fields.${name}`, expr);
      out = Object.entries(fields as Record<string, string>);
    }
    if (params.keepUnmapped !== undefined && typeof params.keepUnmapped !== 'boolean') problems.push({ field: 'params.keepUnmapped', message: 'params.keepUnmapped must be true or false' });
  } else {
    text('params.expression', params.expression);
    if (kind === 'transform' && params.mode !== undefined && params.mode !== 'expression' && params.mode !== 'filter')
      problems.push({ field: 'params.mode', message: `params.mode must be "expression" or "filter"; got ${JSON.stringify(params.mode)}` });
    out = [['expression', params.expression as string]];
  }
  if (problems.length) throw new BadInput(problems);
  return out;
}

async function attempt(work: () => Promise<PreviewResult>, locate?: () => Promise<PreviewError | undefined>): Promise<PreviewResult> {
  try {
    return await work();
  } catch (err) {
    return { error: (await locate?.()) ?? describe(err) };
  }
}

async function failingField(expressions: Array<[string, string]>, data: Record<string, unknown>, env: PureEnv): Promise<PreviewError | undefined> {
  for (const [field, source] of expressions) {
    try {
      await withPonteFunctions(jsonata(source, env.limits), env).evaluate(data);
    } catch (err) {
      return { ...describe(err), field };
    }
  }
  return undefined;
}

/** JSONata throws plain objects {code, position, token, message}; our own functions throw Errors. */
function describe(err: unknown): PreviewError {
  const e = err as { message?: string; position?: number; token?: string; code?: string };
  const out: PreviewError = { message: e?.message ?? String(err) };
  if (typeof e?.position === 'number') out.position = e.position;
  if (typeof e?.token === 'string') out.token = e.token;
  if (typeof e?.code === 'string') out.code = e.code;
  return out;
}
