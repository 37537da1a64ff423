import { type NodeDefinition, recordsIn, recordsOut } from '../types';

export const transformNode: NodeDefinition = {
  type: 'transform',
  version: 1,
  kind: 'pure',
  category: 'transform',
  label: { 'pt-BR': 'Transformar', en: 'Transform' },
  description: {
    'pt-BR': 'Reescreve cada registro com uma expressão JSONata, ou filtra os registros por uma condição.',
    en: 'Rewrites each record with a JSONata expression, or filters records by a condition.',
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['mode', 'expression'],
    properties: {
      mode: { type: 'string', enum: ['expression', 'filter'], title: 'Mode' },
      expression: { type: 'string', minLength: 1, title: 'Expression', description: "JSONata over the record; $depara('name', value) translates a coded value through a de-para map.", 'x-ponte-expression': true },
    },
  },
  inputs: [recordsIn],
  outputs: [recordsOut],
};
