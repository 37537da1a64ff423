import { type NodeDefinition, recordsIn, recordsOut } from '../types';

export const approveNode: NodeDefinition = {
  type: 'approve',
  version: 1,
  kind: 'effect',
  category: 'control',
  holdsRecords: true,
  label: { 'pt-BR': 'Aguardar confirmação', en: 'Wait for approval' },
  description: {
    'pt-BR': 'Segura cada registro (ou os que atendem a uma condição) como "aguardando confirmação" até alguém confirmar ou rejeitar; só os confirmados seguem adiante.',
    en: 'Holds each record (or those matching a condition) as "pending confirmation" until someone confirms or rejects it; only confirmed records go on.',
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      when: {
        type: 'string',
        title: 'Hold when',
        description: 'JSONata condition over the record; empty holds every record. E.g. total > 1000 or status = "pending".',
        'x-ponte-expression': true,
      },
      summary: {
        type: 'string',
        title: 'Summary',
        description: 'JSONata giving the line shown in the list of pending confirmations, e.g. "Pedido " & id & " — " & cliente.nome.',
        'x-ponte-expression': true,
      },
      expiresAfterHours: { type: 'number', minimum: 0.001, maximum: 2160, default: 72, title: 'Decide within (hours)' },
      onExpiry: {
        type: 'string',
        enum: ['reject', 'approve'],
        default: 'reject',
        title: 'When nobody decides in time',
        description: 'reject: the record is skipped (logged as expired); approve: it goes on as if confirmed.',
      },
    },
  },
  inputs: [recordsIn],
  outputs: [recordsOut],
};
