/**
 * Checks a connection as a person typed it, and names every bad field. Nothing is saved while
 * a problem remains.
 */
import { connectors } from '../../connectors/registry';
import { ENTITIES, type ConnectorDefinition } from '../../connectors/types';
import type { ProblemText } from '../errors';

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
  /** The English text, as before `text` existed (logs, API clients). */
  message: string;
  text?: ProblemText;
}

/**
 * Every refusal of a connection in both languages, built from its facts. Names that are data
 * (connection and provider names, field paths, lists of known values) stay as they are.
 */
export const CONNECTION_PROBLEMS = {
  nameRequired: (): ProblemText => ({ en: 'name is required, e.g. "Bling da loja"', 'pt-BR': 'Dê um nome à conexão, por exemplo "Bling da loja"' }),
  providerFixed: (): ProblemText => ({
    en: 'provider cannot change; create a new connection for another provider',
    'pt-BR': 'O sistema de uma conexão não muda; crie uma nova conexão para outro sistema',
  }),
  providerUnknown: (provider: string | undefined, known: string[]): ProblemText => ({
    en: `${provider ? `provider "${provider}" is unknown` : 'provider is required'}; known providers: ${known.join(', ')}`,
    'pt-BR': `${provider ? `O sistema "${provider}" é desconhecido` : 'Escolha o sistema'}; sistemas conhecidos: ${known.join(', ')}`,
  }),
  /** `schemes` null: any http(s) address. */
  baseUrlScheme: (url: string, schemes: string[] | null, example: string | undefined): ProblemText => {
    const names = schemes?.map((s) => s.replace(':', ''));
    return {
      en: `baseUrl must be ${names ? `a ${names.join(' or ')}` : 'an http(s)'} URL${example !== undefined ? `, e.g. ${example}` : ''}; got "${url}"`,
      'pt-BR': `O endereço da API deve ser uma URL ${names ? names.join(' ou ') : 'http(s)'}${example ? `, por exemplo ${example}` : ''}; recebido "${url}"`,
    };
  },
  baseUrlRequired: (provider: string, example: string): ProblemText => ({
    en: `baseUrl is required for ${provider}: the address is the store's own, e.g. ${example}`,
    'pt-BR': `Informe o endereço da API: em ${provider}, cada loja tem o seu, por exemplo ${example}`,
  }),
  credentialsRequired: (provider: string, fields: string[]): ProblemText => ({
    en: `credentials are required for ${provider}: ${fields.join(', ')}`,
    'pt-BR': `Informe as credenciais da conexão com ${provider}: ${fields.join(', ')}`,
  }),
  credentialRequired: (provider: string, field: string, title: string): ProblemText => ({
    en: `credentials.${field} (${title}) is required for ${provider}`,
    'pt-BR': `Preencha "${title}" (credentials.${field}): ${provider} exige esta credencial`,
  }),
  credentialUnknown: (provider: string, field: string, fields: string[]): ProblemText => ({
    en: `${provider} has no credential "${field}"; it takes: ${fields.join(', ')}`,
    'pt-BR': `${provider} não usa a credencial "${field}"; credenciais aceitas: ${fields.join(', ')}`,
  }),
  entityUnsupported: (provider: string, entity: string, supported: string[]): ProblemText => {
    const known = (ENTITIES as readonly string[]).includes(entity);
    return {
      en: `${provider} does not sync "${entity}"${known ? '' : ' (not an entity)'}; it syncs: ${supported.join(', ')}`,
      'pt-BR': `${provider} não sincroniza "${entity}"${known ? '' : ' (não é uma entidade)'}; sincroniza apenas: ${supported.join(', ')}`,
    };
  },
  directionInvalid: (): ProblemText => ({ en: `direction must be one of: ${DIRECTIONS.join(', ')}`, 'pt-BR': `O sentido deve ser um destes: ${DIRECTIONS.join(', ')}` }),
  frequencyInvalid: (): ProblemText => ({ en: `frequency must be one of: ${FREQUENCIES.join(', ')}`, 'pt-BR': `A frequência deve ser uma destas: ${FREQUENCIES.join(', ')}` }),
  cronRequired: (): ProblemText => ({
    en: 'cron is required when frequency is "cron", e.g. "*/10 * * * *"',
    'pt-BR': 'Informe a expressão cron quando a frequência é "cron", por exemplo "*/10 * * * *"',
  }),
  cronInvalid: (cron: string): ProblemText => ({
    en: `cron must have five fields (minute hour day month weekday), e.g. "*/10 * * * *"; got "${cron}"`,
    'pt-BR': `A expressão cron precisa de cinco campos (minuto hora dia mês dia-da-semana), por exemplo "*/10 * * * *"; recebido "${cron}"`,
  }),
  backfillInvalid: (value: string): ProblemText => ({
    en: `backfillFrom must be a date, e.g. 2026-01-01; got "${value}"`,
    'pt-BR': `backfillFrom deve ser uma data, por exemplo 2026-01-01; recebido "${value}"`,
  }),
  rateLimitShape: (): ProblemText => ({
    en: 'settings.rateLimit must be an object like {"requestsPerSecond": 3, "burst": 1}',
    'pt-BR': 'settings.rateLimit deve ser um objeto como {"requestsPerSecond": 3, "burst": 1}',
  }),
  rateLimitRate: (): ProblemText => ({
    en: 'settings.rateLimit.requestsPerSecond must be a number, 0 or more (0 turns pacing off)',
    'pt-BR': 'settings.rateLimit.requestsPerSecond deve ser um número, 0 ou mais (0 desliga o controle de ritmo)',
  }),
  rateLimitBurst: (): ProblemText => ({ en: 'settings.rateLimit.burst must be a number, 1 or more', 'pt-BR': 'settings.rateLimit.burst deve ser um número, 1 ou mais' }),
  // Authorisation (OAuth2) of a connection: server/connections/oauth.ts and the provider's callback.
  oauthNotUsed: (provider: string): ProblemText => ({
    en: `${provider} does not use OAuth2; enter its credentials instead`,
    'pt-BR': `${provider} não usa OAuth2; preencha as credenciais no formulário`,
  }),
  oauthAppMissing: (provider: string): ProblemText => ({
    en: `Save the app's clientId and clientSecret on the connection before authorising ${provider}`,
    'pt-BR': `Salve o clientId e o clientSecret do aplicativo na conexão antes de autorizar o acesso a ${provider}`,
  }),
  oauthStateUnknown: (): ProblemText => ({
    en: 'This authorisation link is unknown or expired; start the authorisation again',
    'pt-BR': 'Este link de autorização é desconhecido ou expirou; comece a autorização de novo',
  }),
  oauthRefused: (reason: string): ProblemText => ({ en: `The provider did not authorise: ${reason}`, 'pt-BR': `O sistema não autorizou o acesso: ${reason}` }),
  oauthNoCode: (): ProblemText => ({ en: 'The provider sent no code and state back', 'pt-BR': 'O sistema não devolveu o code e o state da autorização' }),
};

/** A problem of one field: the English `message` and both texts. */
export function fieldProblem(field: string, text: ProblemText): FieldProblem {
  return { field, message: text.en, text };
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
  const add = (field: string, text: ProblemText) => problems.push(fieldProblem(field, text));
  const P = CONNECTION_PROBLEMS;

  if (!current || input.name !== undefined) if (!input.name?.trim()) add('name', P.nameRequired());

  const providerId = current?.provider ?? input.provider;
  if (current && input.provider !== undefined && input.provider !== current.provider) add('provider', P.providerFixed());
  const connector = providerId ? connectors[providerId] : undefined;
  if (!current && !connector) add('provider', P.providerUnknown(input.provider, Object.keys(connectors)));

  if (input.baseUrl !== undefined && input.baseUrl !== null) {
    const schemes = connector?.urlSchemes ?? ['http:', 'https:'];
    let ok = false;
    try {
      ok = schemes.includes(new URL(input.baseUrl).protocol);
    } catch {
      ok = false;
    }
    if (!ok) add('baseUrl', P.baseUrlScheme(input.baseUrl, connector?.urlSchemes ? schemes : null, connector?.defaultBaseUrl));
  }

  if (connector && !current && !input.baseUrl && /\{\w+\}/.test(connector.defaultBaseUrl))
    add('baseUrl', P.baseUrlRequired(connector.name, connector.defaultBaseUrl));

  if (connector) {
    const schema = connector.credentialSchema;
    const merged = { ...current?.credentials, ...input.credentials };
    if (!current && input.credentials === undefined) add('credentials', P.credentialsRequired(connector.name, Object.keys(schema.properties)));
    else {
      for (const field of schema.required ?? []) if (!merged[field]) add(`credentials.${field}`, P.credentialRequired(connector.name, field, schema.properties[field].title));
      for (const field of Object.keys(input.credentials ?? {}))
        if (!schema.properties[field]) add(`credentials.${field}`, P.credentialUnknown(connector.name, field, Object.keys(schema.properties)));
    }
    if (input.entities !== undefined) {
      const supported = supportedEntities(connector);
      for (const entity of input.entities)
        if (!supported.includes(entity as never)) add('entities', P.entityUnsupported(connector.name, entity, supported));
    }
  }

  if (input.direction !== undefined && !DIRECTIONS.includes(input.direction as never)) add('direction', P.directionInvalid());

  const frequency = input.frequency ?? current?.frequency;
  if (input.frequency !== undefined && !FREQUENCIES.includes(input.frequency as never)) add('frequency', P.frequencyInvalid());
  else if (frequency === 'cron') {
    const cron = input.cron ?? current?.cron;
    if (!cron) add('cron', P.cronRequired());
    else if (!isCronExpression(cron)) add('cron', P.cronInvalid(cron));
  }

  if (input.backfillFrom !== undefined && input.backfillFrom !== null && Number.isNaN(Date.parse(input.backfillFrom)))
    add('backfillFrom', P.backfillInvalid(input.backfillFrom));

  const rateLimit = input.settings?.rateLimit as { requestsPerSecond?: unknown; burst?: unknown } | undefined;
  if (rateLimit !== undefined) {
    if (typeof rateLimit !== 'object' || rateLimit === null) add('settings.rateLimit', P.rateLimitShape());
    else {
      if (rateLimit.requestsPerSecond !== undefined && !(typeof rateLimit.requestsPerSecond === 'number' && rateLimit.requestsPerSecond >= 0))
        add('settings.rateLimit.requestsPerSecond', P.rateLimitRate());
      if (rateLimit.burst !== undefined && !(typeof rateLimit.burst === 'number' && rateLimit.burst >= 1)) add('settings.rateLimit.burst', P.rateLimitBurst());
    }
  }
  return problems;
}

function isCronExpression(value: string): boolean {
  const fields = value.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => /^[\d*/,\-A-Za-z?]+$/.test(f));
}
