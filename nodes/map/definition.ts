import { type NodeDefinition, recordsIn, recordsOut } from '../types';

export const mapNode: NodeDefinition = {
  type: 'map',
  version: 1,
  kind: 'pure',
  category: 'transform',
  label: { 'pt-BR': 'Mapear campos', en: 'Map fields' },
  description: {
    'pt-BR': 'Monta o registro de destino: cada campo é uma expressão JSONata sobre o registro de origem.',
    en: 'Builds the target record: each field is a JSONata expression over the source record.',
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['fields'],
    properties: {
      fields: {
        type: 'object',
        title: 'Fields',
        description: 'Target field name -> JSONata expression, e.g. {"title": "nome", "price": "preco"}. $depara(\'carrier\', value) translates a coded value through a de-para map.',
        additionalProperties: { type: 'string', minLength: 1, 'x-ponte-expression': true },
      },
      keepUnmapped: { type: 'boolean', default: false, title: 'Keep fields not mapped' },
    },
  },
  inputs: [recordsIn],
  outputs: [recordsOut],
};
