import { ENTITY_NAMES } from '../fetch/definition';
import type { NodeDefinition } from '../types';

export const triggerWebhook: NodeDefinition = {
  type: 'trigger.webhook',
  version: 1,
  kind: 'trigger',
  category: 'trigger',
  label: { 'pt-BR': 'Ao receber notificação', en: 'On provider notification' },
  description: {
    'pt-BR': 'A execução começa quando o provedor avisa de uma mudança (webhook) na conexão. A busca lê só o registro avisado.',
    en: 'The run starts when the provider notifies a change (webhook) on the connection. The fetch reads only the notified record.',
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['connectionId'],
    properties: {
      connectionId: { type: 'string', minLength: 1, title: 'Connection', 'x-ponte-ref': 'connection' },
      entity: { type: 'string', enum: ENTITY_NAMES, title: 'Only events about', description: 'Leave empty to run on every entity the provider notifies.' },
    },
  },
  inputs: [],
  outputs: [{ name: 'out', type: 'trigger', label: { 'pt-BR': 'Início', en: 'Start' } }],
};
