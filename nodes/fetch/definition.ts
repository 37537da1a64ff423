import { type JsonSchema, type NodeDefinition, recordsOut } from '../types';

export const ENTITY_NAMES = ['products', 'stock', 'prices', 'orders', 'customers', 'invoices', 'payments'];

/** The two parameters of every node that talks to a connection. */
export const connectionParams: Record<string, JsonSchema> = {
  connectionId: { type: 'string', minLength: 1, title: 'Connection', 'x-ponte-ref': 'connection' },
  entity: { type: 'string', enum: ENTITY_NAMES, title: 'Entity' },
};

export const fetchNode: NodeDefinition = {
  type: 'fetch',
  version: 1,
  kind: 'source',
  category: 'source',
  label: { 'pt-BR': 'Buscar', en: 'Fetch' },
  description: {
    'pt-BR': 'Lê registros de uma conexão, página por página, a partir do último cursor.',
    en: 'Reads records from a connection, page by page, from the last cursor.',
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['connectionId', 'entity'],
    properties: {
      ...connectionParams,
      incremental: {
        type: 'boolean',
        default: false,
        title: 'Incremental',
        description: 'Only records changed since the last successful run.',
      },
      batchSize: { type: 'integer', minimum: 1, maximum: 5000, default: 500, title: 'Records per page' },
    },
  },
  inputs: [{ name: 'in', type: 'trigger', label: { 'pt-BR': 'Início', en: 'Start' } }],
  outputs: [recordsOut],
};
