import { connectionParams } from '../fetch/definition';
import { type NodeDefinition, recordsIn, recordsOut } from '../types';

const owner = { type: 'string', enum: ['source', 'target', 'shared'] };

export const upsertNode: NodeDefinition = {
  type: 'upsert',
  version: 1,
  kind: 'effect',
  category: 'target',
  label: { 'pt-BR': 'Criar ou atualizar', en: 'Create or update' },
  description: {
    'pt-BR': 'Grava cada registro na conexão de destino: cria o que não existe, atualiza o que mudou, pula o que já está igual.',
    en: 'Writes each record to the target connection: creates what is missing, updates what changed, skips what is unchanged.',
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['connectionId', 'entity'],
    // Matching by a field needs to know which field: refused on save, not at the first run.
    if: { properties: { matchBy: { const: 'field' } }, required: ['matchBy'] },
    then: { required: ['externalIdField'] },
    properties: {
      ...connectionParams,
      matchBy: {
        type: 'string',
        enum: ['binding', 'sku', 'id', 'field'],
        default: 'binding',
        title: 'Match by',
        description:
          'binding: the stored id pair; sku: also look the record up by SKU at the target before creating it; id: the source id is the target id; field: the target id is in a field of the record (externalIdField).',
      },
      externalIdField: { type: 'string', minLength: 1, title: 'Field holding the target id', description: 'For matchBy "field": a field of the mapped record, e.g. "idLojaVirtual" (dots for nested fields).' },
      conflicts: {
        type: 'string',
        enum: ['check', 'source-wins'],
        default: 'check',
        title: 'When both sides changed',
        description: 'check: read the target before an update and flag a conflict when a shared field changed on both sides since the last sync; source-wins: always overwrite.',
      },
      owners: {
        type: 'object',
        title: 'Field owners',
        description: 'Field -> source (always pushed), target (written on create only) or shared (three-way check). Defaults: the ERP owns prices, stock and fiscal data; the channel owns orders and customers.',
        additionalProperties: owner,
      },
      dependencies: {
        type: 'array',
        title: 'Dependencies',
        description: 'Records this one points to, bound or created first (e.g. the customer of an order, the product of each order line).',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['entity', 'field'],
          properties: {
            entity: { type: 'string', enum: ['customers', 'products'], title: 'Entity' },
            field: { type: 'string', minLength: 1, title: 'Field', description: 'The field of the mapped record holding the dependency, e.g. "contato", or one per element of a list, e.g. "itens[].produto". It is replaced by {id: <target id>}.', pattern: '^[^\\[\\]]+(\\[\\]\\.[^\\[\\]]+)?$' },
            keyField: { type: 'string', default: 'id', title: 'Source id field', description: 'Field of the dependency holding its id at the source.' },
            skuField: { type: 'string', title: 'SKU/document field', description: 'Field used to find it at the target before creating it (e.g. numeroDocumento).' },
            create: { type: 'boolean', default: true, title: 'Create when missing' },
          },
        },
      },
      concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 16, title: 'Parallel writes' },
    },
  },
  inputs: [recordsIn],
  outputs: [recordsOut],
};
