import type { NodeDefinition } from '../types';

export const SCHEDULE_EVERY = ['5m', '15m', '1h', 'daily', 'cron', 'interval'] as const;

export const triggerSchedule: NodeDefinition = {
  type: 'trigger.schedule',
  version: 1,
  kind: 'trigger',
  category: 'trigger',
  label: { 'pt-BR': 'Agendado', en: 'On a schedule' },
  description: {
    'pt-BR': 'A execução começa sozinha: a cada 5 min, 15 min, 1 hora, diariamente ou por expressão cron. Se a anterior ainda estiver rodando, esta é pulada.',
    en: 'The run starts by itself: every 5 min, 15 min, hour, daily or by a cron expression. If the previous one is still running, this one is skipped.',
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['every'],
    properties: {
      every: { type: 'string', enum: [...SCHEDULE_EVERY], title: 'Every' },
      at: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', default: '06:00', title: 'At (daily)', description: 'HH:MM, for "daily".' },
      cron: { type: 'string', minLength: 9, title: 'Cron expression', description: 'For "cron": minute hour day month weekday, e.g. "*/10 8-18 * * 1-5".' },
      intervalSeconds: { type: 'integer', minimum: 1, maximum: 86400, title: 'Every N seconds', description: 'For "interval".' },
      timezone: { type: 'string', default: 'America/Sao_Paulo', title: 'Time zone' },
    },
  },
  inputs: [],
  outputs: [{ name: 'out', type: 'trigger', label: { 'pt-BR': 'Início', en: 'Start' } }],
};
