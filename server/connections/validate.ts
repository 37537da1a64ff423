/**
 * Checks a connection as a person typed it, and names every bad field. Nothing is saved while
 * a problem remains.
 */
import { connectors } from '../../connectors/registry';
import { ENTITIES, type ConnectorDefinition } from '../../connectors/types';

export const DIRECTIONS = ['import', 'export', 'bidirectional'] as const;
export const FREQUENCIES = ['manual', '5m', '15m', '1h', 'daily', 'cron'] as const;

export interface ConnectionFields {
  name?: string;
  provider?: string;
  baseUrl?: string | null;
  credentials?: Record<string, string>;
  direction?: string;
  entities?: string[];
  frequency?: string;
  cron?: string | null;
  branch?: string | null;
  backfillFrom?: string | null;
  settings?: Record<string, unknown>;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export function supportedEntities(connector: ConnectorDefinition): string[] {
  return ENTITIES.filter((e) => connector.entities[e]);
}

/**
 * `current` is the stored connection (with opened credentials) when updating; the input is then
 * partial and credentials merge field by field.
 */
export function validateConnection(input: ConnectionFields, current?: { provider: string; credentials: Record<string, string>; frequency: string; cron: string | null }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });

  if (!current || input.name !== undefined) if (!input.name?.trim()) add('name', 'name is required, e.g. "Bling da loja"');

  const providerId = current?.provider ?? input.provider;
  if (current && input.provider !== undefined && input.provider !== current.provider) add('provider', 'provider cannot change; create a new connection for another provider');
  const connector = providerId ? connectors[providerId] : undefined;
  if (!current && !connector) add('provider', `${input.provider ? `provider "${input.provider}" is unknown` : 'provider is required'}; known providers: ${Object.keys(connectors).join(', ')}`);

  if (input.baseUrl !== undefined && input.baseUrl !== null) {
    const schemes = connector?.urlSchemes ?? ['http:', 'https:'];
    let ok = false;
    try {
      ok = schemes.includes(new URL(input.baseUrl).protocol);
    } catch {
      ok = false;
    }
    const kind = connector?.urlSchemes ? `a ${schemes.map((s) => s.replace(':', '')).join(' or ')}` : 'an http(s)';
    if (!ok) add('baseUrl', `baseUrl must be ${kind} URL${connector ? `, e.g. ${connector.defaultBaseUrl}` : ''}; got "${input.baseUrl}"`);
  }

  if (connector && !current && !input.baseUrl && /\{\w+\}/.test(connector.defaultBaseUrl))
    add('baseUrl', `baseUrl is required for ${connector.name}: the address is the store's own, e.g. ${connector.defaultBaseUrl}`);

  if (connector) {
    const schema = connector.credentialSchema;
    const merged = { ...current?.credentials, ...input.credentials };
    if (!current && input.credentials === undefined) add('credentials', `credentials are required for ${connector.name}: ${Object.keys(schema.properties).join(', ')}`);
    else {
      for (const field of schema.required ?? []) if (!merged[field]) add(`credentials.${field}`, `credentials.${field} (${schema.properties[field].title}) is required for ${connector.name}`);
      for (const field of Object.keys(input.credentials ?? {}))
        if (!schema.properties[field]) add(`credentials.${field}`, `${connector.name} has no credential "${field}"; it takes: ${Object.keys(schema.properties).join(', ')}`);
    }
    if (input.entities !== undefined) {
      const supported = supportedEntities(connector);
      for (const entity of input.entities)
        if (!supported.includes(entity as never))
          add('entities', `${connector.name} does not sync "${entity}"${(ENTITIES as readonly string[]).includes(entity) ? '' : ' (not an entity)'}; it syncs: ${supported.join(', ')}`);
    }
  }

  if (input.direction !== undefined && !DIRECTIONS.includes(input.direction as never)) add('direction', `direction must be one of: ${DIRECTIONS.join(', ')}`);

  const frequency = input.frequency ?? current?.frequency;
  if (input.frequency !== undefined && !FREQUENCIES.includes(input.frequency as never)) add('frequency', `frequency must be one of: ${FREQUENCIES.join(', ')}`);
  else if (frequency === 'cron') {
    const cron = input.cron ?? current?.cron;
    if (!cron) add('cron', 'cron is required when frequency is "cron", e.g. "*/10 * * * *"');
    else if (!isCronExpression(cron)) add('cron', `cron must have five fields (minute hour day month weekday), e.g. "*/10 * * * *"; got "${cron}"`);
  }

  if (input.backfillFrom !== undefined && input.backfillFrom !== null && Number.isNaN(Date.parse(input.backfillFrom)))
    add('backfillFrom', `backfillFrom must be a date, e.g. 2026-01-01; got "${input.backfillFrom}"`);

  const rateLimit = input.settings?.rateLimit as { requestsPerSecond?: unknown; burst?: unknown } | undefined;
  if (rateLimit !== undefined) {
    if (typeof rateLimit !== 'object' || rateLimit === null) add('settings.rateLimit', 'settings.rateLimit must be an object like {"requestsPerSecond": 3, "burst": 1}');
    else {
      if (rateLimit.requestsPerSecond !== undefined && !(typeof rateLimit.requestsPerSecond === 'number' && rateLimit.requestsPerSecond >= 0))
        add('settings.rateLimit.requestsPerSecond', 'settings.rateLimit.requestsPerSecond must be a number, 0 or more (0 turns pacing off)');
      if (rateLimit.burst !== undefined && !(typeof rateLimit.burst === 'number' && rateLimit.burst >= 1)) add('settings.rateLimit.burst', 'settings.rateLimit.burst must be a number, 1 or more');
    }
  }
  return problems;
}

function isCronExpression(value: string): boolean {
  const fields = value.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => /^[\d*/,\-A-Za-z?]+$/.test(f));
}
