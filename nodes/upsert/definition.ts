import { connectionParams } from '../fetch/definition';
import { type NodeDefinition, recordsIn, recordsOut } from '../types';

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
    properties: {
      ...connectionParams,
      matchBy: {
        type: 'string',
        enum: ['binding', 'sku'],
        default: 'binding',
        title: 'Match by',
        description: 'binding: the stored id pair; sku: also look the record up by SKU at the target before creating it.',
      },
      concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 16, title: 'Parallel writes' },
    },
  },
  inputs: [recordsIn],
  outputs: [recordsOut],
};
