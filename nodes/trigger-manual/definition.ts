import type { NodeDefinition } from '../types';

export const triggerManual: NodeDefinition = {
  type: 'trigger.manual',
  version: 1,
  kind: 'trigger',
  category: 'trigger',
  label: { 'pt-BR': 'Início manual', en: 'Manual start' },
  description: { 'pt-BR': 'A execução começa quando alguém clica em "Sincronizar agora" ou chama a API.', en: 'The run starts when someone presses "Sync now" or calls the API.' },
  params: { type: 'object', additionalProperties: false, properties: {} },
  inputs: [],
  outputs: [{ name: 'out', type: 'trigger', label: { 'pt-BR': 'Início', en: 'Start' } }],
};
