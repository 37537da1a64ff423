/** De-para API: value maps of a connection and their entries (see docs/mappings.md). */
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit/log';
import { actorOf } from '../auth/hooks';
import type { AppDeps } from '../app';
import {
  createValueMap,
  deleteEntry,
  deleteValueMap,
  getValueMap,
  listValueMaps,
  MAX_ENTRIES,
  putEntry,
  replaceEntries,
  SUGGESTED_VALUE_MAP_NAMES,
  updateValueMap,
  type ValueMapEntry,
  type ValueMapInput,
  type ValueMapPatch,
} from '../value-maps/store';

const tags = ['value-maps'];
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const entryParams = { type: 'object', required: ['id', 'from'], properties: { id: { type: 'string' }, from: { type: 'string', description: 'The source value, URL-encoded' } } } as const;
// Shapes only: the store checks names and values and answers 400 naming each problem.
const fields = {
  name: { type: 'string', description: `What expressions call the map by: $depara("carrier", …). Lowercase letters, digits and "_"; suggested: ${SUGGESTED_VALUE_MAP_NAMES.join(', ')}` },
  label: { type: ['string', 'null'], description: 'A name for people, e.g. "Transportadoras"' },
  defaultValue: { type: ['string', 'null'], description: 'Used for a value with no entry; null: such a value fails its record' },
} as const;
const entry = { type: 'object', required: ['from', 'to'], additionalProperties: false, properties: { from: { type: 'string' }, to: { type: 'string' } } } as const;
const entries = { type: 'array', maxItems: MAX_ENTRIES, items: entry } as const;

export function registerValueMapRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;

  app.get<{ Params: { id: string } }>(
    '/api/connections/:id/value-maps',
    { config: { permission: 'view' }, schema: { tags, summary: 'De-para maps of a connection, with their entry counts', params: idParam } },
    async (req) => ({ valueMaps: await listValueMaps(db, req.auth.tenantId, req.params.id) }),
  );

  app.post<{ Params: { id: string }; Body: ValueMapInput }>(
    '/api/connections/:id/value-maps',
    { config: { permission: 'edit' },
      schema: {
        tags,
        summary: 'Create a de-para map on a connection (409 when the name is taken), optionally with its entries',
        params: idParam,
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { ...fields, entries } },
      },
    },
    async (req, reply) => {
      const map = await createValueMap(db, req.auth.tenantId, req.params.id, req.body);
      await audit(db, actorOf(req), { action: 'value_map.create', targetType: 'value_map', targetId: String(map.id), details: { connectionId: req.params.id, name: map.name } });
      return reply.code(201).send(map);
    },
  );

  app.get<{ Params: { id: string } }>('/api/value-maps/:id', { config: { permission: 'view' }, schema: { tags, summary: 'A de-para map with all its entries', params: idParam } }, async (req) =>
    getValueMap(db, req.auth.tenantId, req.params.id),
  );

  app.patch<{ Params: { id: string }; Body: ValueMapPatch }>(
    '/api/value-maps/:id',
    { config: { permission: 'edit' },
      schema: {
        tags,
        summary: 'Rename a de-para map or change its label or default (flows call it by name: renaming breaks their expressions)',
        params: idParam,
        body: { type: 'object', additionalProperties: false, properties: fields },
      },
    },
    async (req) => {
      const map = await updateValueMap(db, req.auth.tenantId, req.params.id, req.body);
      await audit(db, actorOf(req), { action: 'value_map.update', targetType: 'value_map', targetId: req.params.id, details: { fields: Object.keys(req.body) } });
      return map;
    },
  );

  app.delete<{ Params: { id: string } }>('/api/value-maps/:id', { config: { permission: 'edit' }, schema: { tags, summary: 'Delete a de-para map and its entries', params: idParam } }, async (req, reply) => {
    await deleteValueMap(db, req.auth.tenantId, req.params.id);
    await audit(db, actorOf(req), { action: 'value_map.delete', targetType: 'value_map', targetId: req.params.id });
    return reply.code(204).send();
  });

  app.put<{ Params: { id: string }; Body: ValueMapEntry[] }>(
    '/api/value-maps/:id/entries',
    { config: { permission: 'edit' }, schema: { tags, summary: 'Replace every entry of a de-para map: [{"from", "to"}]', params: idParam, body: entries } },
    async (req) => {
      const map = await replaceEntries(db, req.auth.tenantId, req.params.id, req.body);
      await audit(db, actorOf(req), { action: 'value_map.update', targetType: 'value_map', targetId: req.params.id, details: { replacedEntries: req.body.length } });
      return map;
    },
  );

  app.put<{ Params: { id: string; from: string }; Body: { to: string } }>(
    '/api/value-maps/:id/entries/:from',
    { config: { permission: 'edit' },
      schema: {
        tags,
        summary: 'Add or change the translation of one value (201 when added)',
        params: entryParams,
        body: { type: 'object', required: ['to'], additionalProperties: false, properties: { to: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const { created, ...saved } = await putEntry(db, req.auth.tenantId, req.params.id, req.params.from, req.body.to);
      await audit(db, actorOf(req), { action: 'value_map.update', targetType: 'value_map', targetId: req.params.id, details: { entry: { from: req.params.from, to: req.body.to } } });
      return reply.code(created ? 201 : 200).send(saved);
    },
  );

  app.delete<{ Params: { id: string; from: string } }>(
    '/api/value-maps/:id/entries/:from',
    { config: { permission: 'edit' }, schema: { tags, summary: 'Remove the translation of one value', params: entryParams } },
    async (req, reply) => {
      await deleteEntry(db, req.auth.tenantId, req.params.id, req.params.from);
      await audit(db, actorOf(req), { action: 'value_map.update', targetType: 'value_map', targetId: req.params.id, details: { removedEntry: req.params.from } });
      return reply.code(204).send();
    },
  );
}
