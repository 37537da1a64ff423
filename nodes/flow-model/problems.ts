/**
 * What the flow validator says, in both languages Ponte speaks: one function per kind of problem,
 * built from its facts. English goes to `message` (logs, API clients), both to `text` (the
 * editor shows the reader's language). Also the Portuguese of JSON-Schema (ajv) errors, which the
 * API's refusals of a request's shape use too.
 */
import type { ErrorObject } from 'ajv';
import type { LocalizedText } from '../../connectors/localized';
import { getNodeDefinition } from '../registry';
import type { ConnectionCapability } from '../types';
import type { ConnectionInfo } from './validate';

/** A problem's reason in both languages, like the node definitions' labels. */
export type ProblemText = LocalizedText;

const CAPABILITY_MISSING: Record<ConnectionCapability, ProblemText> = {
  messaging: { en: 'sends no messages; pick an e-mail, WhatsApp, webhook or SMS connection', 'pt-BR': 'não envia mensagens; escolha uma conexão de e-mail, WhatsApp, webhook ou SMS' },
  payments: { en: 'creates no charges; pick a Pix PSP or bank connection', 'pt-BR': 'não cria cobranças; escolha uma conexão de PSP Pix ou de banco' },
  receivables: { en: 'settles no receivables; pick an ERP connection (Bling)', 'pt-BR': 'não dá baixa em recebimentos; escolha uma conexão de ERP (Bling)' },
  fiscal: {
    en: 'issues no invoices; pick a SEFAZ connection (the company with its A1 certificate)',
    'pt-BR': 'não emite notas fiscais; escolha uma conexão SEFAZ (a empresa com o seu certificado A1)',
  },
};

type Label = LocalizedText;
type Conn = Pick<ConnectionInfo, 'name' | 'provider'>;
/** "o bloco "to-listing" (Criar ou atualizar)": the id is what the canvas shows, the label what it is. */
const block = (label: Label, id: string) => `o bloco "${id}" (${label['pt-BR']})`;
const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const ptLabel = (type: string) => getNodeDefinition(type)?.label['pt-BR'] ?? type;

/**
 * Every problem of a flow in both languages, built from its facts. Names that are data (node
 * ids, connection and provider names, field paths, lists of known values) stay as they are;
 * node types are named by their label in each language.
 */
export const FLOW_PROBLEMS = {
  notAList: (field: 'nodes' | 'edges' | 'alerts'): ProblemText => ({ en: `${field} must be a list`, 'pt-BR': `${field} deve ser uma lista` }),
  nodeWithoutId: (index: number): ProblemText => ({ en: `Node ${index + 1} has no id`, 'pt-BR': `O bloco ${index + 1} não tem id` }),
  duplicateId: (id: string): ProblemText => ({
    en: `Two nodes share the id "${id}"; ids must be unique`,
    'pt-BR': `Dois blocos têm o mesmo id "${id}"; cada bloco precisa de um id único`,
  }),
  unknownType: (type: unknown, known: string[]): ProblemText => ({
    en: `Unknown node type "${type}". Known types: ${known.join(', ')}`,
    'pt-BR': `Tipo de bloco desconhecido "${type}". Tipos conhecidos: ${known.join(', ')}`,
  }),
  unsupportedVersion: (label: Label, version: unknown, current: number): ProblemText => ({
    en: `${label.en} version ${version} is not supported (this Ponte has version ${current})`,
    'pt-BR': `A versão ${version} do bloco ${label['pt-BR']} não é suportada (esta Ponte tem a versão ${current})`,
  }),
  edgeFromMissing: (index: number, from: unknown): ProblemText => ({
    en: `Edge ${index + 1} starts at node "${from}", which does not exist`,
    'pt-BR': `A ligação ${index + 1} sai do bloco "${from}", que não existe`,
  }),
  edgeToMissing: (index: number, to: unknown): ProblemText => ({
    en: `Edge ${index + 1} ends at node "${to}", which does not exist`,
    'pt-BR': `A ligação ${index + 1} chega ao bloco "${to}", que não existe`,
  }),
  noSuchOutput: (label: Label, id: string, port: unknown, outputs: string[]): ProblemText => ({
    en: `${label.en} "${id}" has no output "${port}" (it has: ${outputs.join(', ') || 'none'})`,
    'pt-BR': `${cap(block(label, id))} não tem a saída "${port}" (saídas: ${outputs.join(', ') || 'nenhuma'})`,
  }),
  noSuchInput: (label: Label, id: string, port: string | undefined): ProblemText => ({
    en: `${label.en} "${id}" has no input${port ? ` "${port}"` : 's'}; nothing can connect to it`,
    'pt-BR': `${cap(block(label, id))} não tem ${port ? `a entrada "${port}"` : 'entradas'}; nada pode ser ligado a ele`,
  }),
  incompatible: (from: { id: string; label: Label; type: string }, to: { id: string; label: Label; type: string }): ProblemText => ({
    en: `Cannot connect "${from.id}" to "${to.id}": ${from.label.en} gives ${from.type}, ${to.label.en} expects ${to.type}`,
    'pt-BR': `Não é possível ligar "${from.id}" a "${to.id}": o bloco ${from.label['pt-BR']} entrega ${from.type}, o bloco ${to.label['pt-BR']} espera ${to.type}`,
  }),
  notConnected: (label: Label, id: string, port: Label): ProblemText => ({
    en: `${label.en} "${id}" is not connected: link something to its ${port.en.toLowerCase()} input`,
    'pt-BR': `${cap(block(label, id))} não está ligado: ligue um bloco à sua entrada "${port['pt-BR']}"`,
  }),
  tooManyLinks: (label: Label, id: string, count: number): ProblemText => ({
    en: `${label.en} "${id}" has ${count} incoming links; it takes exactly one`,
    'pt-BR': `${cap(block(label, id))} recebe ${count} ligações; ele aceita exatamente uma`,
  }),
  triggerCount: (ids: string[]): ProblemText =>
    ids.length
      ? { en: `A flow has one trigger; this one has ${ids.length} (${ids.join(', ')})`, 'pt-BR': `Um fluxo tem um único gatilho; este tem ${ids.length} (${ids.join(', ')})` }
      : { en: 'Add a trigger node: a flow needs one to start', 'pt-BR': 'Adicione um gatilho: o fluxo precisa de um para começar' },
  sourceCount: (ids: string[]): ProblemText =>
    ids.length
      ? {
          en: `A flow reads from one fetch node for now; this one has ${ids.length} (${ids.join(', ')})`,
          'pt-BR': `Por enquanto um fluxo lê de um único bloco de leitura; este tem ${ids.length} (${ids.join(', ')})`,
        }
      : { en: 'Add a fetch node: a flow needs a source of records', 'pt-BR': `Adicione um bloco de leitura (${ptLabel('fetch')}): o fluxo precisa de uma origem de registros` },
  noWriter: (): ProblemText => ({
    en: 'Add a node that writes (e.g. upsert): this flow would read records and do nothing with them',
    'pt-BR': `Adicione um bloco que grave (por exemplo, ${ptLabel('upsert')}): este fluxo leria registros e não faria nada com eles`,
  }),
  heldNotWritten: (id: string): ProblemText => ({
    en: `"${id}" holds records for confirmation but nothing after it writes them: connect it to a node that writes`,
    'pt-BR': `"${id}" segura registros para confirmação, mas nenhum bloco depois dele os grava: ligue-o a um bloco que grave`,
  }),
  cycle: (id: string): ProblemText => ({
    en: `Node "${id}" is part of a cycle; flows cannot loop back`,
    'pt-BR': `O bloco "${id}" faz parte de um ciclo; um fluxo não pode voltar a um bloco anterior`,
  }),
  deadEnd: (id: string): ProblemText => ({
    en: `Node "${id}" leads nowhere: connect it to a node that writes, or remove it`,
    'pt-BR': `O bloco "${id}" não leva a lugar nenhum: ligue-o a um bloco que grave, ou remova-o`,
  }),
  connectionMissing: (id: string): ProblemText => ({
    en: `Connection "${id}" does not exist; pick an existing connection`,
    'pt-BR': `A conexão "${id}" não existe; escolha uma conexão existente`,
  }),
  capabilityMissing: (conn: Conn, needs: ConnectionCapability): ProblemText => ({
    en: `Connection "${conn.name}" (${conn.provider}) ${CAPABILITY_MISSING[needs].en}`,
    'pt-BR': `A conexão "${conn.name}" (${conn.provider}) ${CAPABILITY_MISSING[needs]['pt-BR']}`,
  }),
  noWebhooks: (conn: Conn): ProblemText => ({
    en: `Connection "${conn.name}" (${conn.provider}) sends no webhooks Ponte can verify; start this flow by hand or on a schedule`,
    'pt-BR': `A conexão "${conn.name}" (${conn.provider}) não envia notificações (webhooks) que a Ponte possa verificar; inicie este fluxo à mão ou por agendamento`,
  }),
  cannotRead: (conn: Conn, entity: string, reads: string[]): ProblemText => ({
    en: `Connection "${conn.name}" (${conn.provider}) cannot read ${entity}; it reads: ${reads.join(', ') || 'nothing yet'}`,
    'pt-BR': `A conexão "${conn.name}" (${conn.provider}) não lê ${entity}; ela lê: ${reads.join(', ') || 'nada por enquanto'}`,
  }),
  cannotWrite: (conn: Conn, entity: string, writes: string[]): ProblemText => ({
    en: `Connection "${conn.name}" (${conn.provider}) cannot write ${entity}; it writes: ${writes.join(', ') || 'nothing yet'}`,
    'pt-BR': `A conexão "${conn.name}" (${conn.provider}) não grava ${entity}; ela grava: ${writes.join(', ') || 'nada por enquanto'}`,
  }),
  alertNotObject: (field: string): ProblemText => ({
    en: `${field} must be an object with connectionId and to`,
    'pt-BR': `${field} deve ser um objeto com connectionId e to`,
  }),
  alertTo: (field: string): ProblemText => ({
    en: `${field}.to is required: who receives the alert (an e-mail or a phone)`,
    'pt-BR': `${field}.to é obrigatório: quem recebe o alerta (um e-mail ou um telefone)`,
  }),
  alertOn: (field: string): ProblemText => ({
    en: `${field}.on lists run endings: "error" and/or "partial"`,
    'pt-BR': `${field}.on aceita os finais de execução "error" e/ou "partial"`,
  }),
  alertConnection: (field: string): ProblemText => ({
    en: `${field}.connectionId must name an existing e-mail, WhatsApp, webhook or SMS connection`,
    'pt-BR': `${field}.connectionId deve indicar uma conexão existente de e-mail, WhatsApp, webhook ou SMS`,
  }),
  badExpression: (field: string, reason: string | undefined, position: number | undefined): ProblemText => ({
    en: `${field} is not a valid expression: ${reason}${position !== undefined ? ` (at character ${position})` : ''}`,
    'pt-BR': `${field} não é uma expressão válida: ${reason}${position !== undefined ? ` (no caractere ${position})` : ''}`,
  }),
  cronFields: (): ProblemText => ({
    en: 'params.cron needs five fields (minute hour day month weekday), e.g. "*/10 8-18 * * 1-5"',
    'pt-BR': 'params.cron precisa de cinco campos (minuto hora dia mês dia-da-semana), por exemplo "*/10 8-18 * * 1-5"',
  }),
  intervalRequired: (): ProblemText => ({
    en: 'params.intervalSeconds is required for "interval"',
    'pt-BR': 'params.intervalSeconds é obrigatório para "interval"',
  }),
};

/**
 * A JSON-Schema (ajv) error in Portuguese. `path` names the value the error is about (for
 * `required`, the missing field itself). Keywords without words of their own keep ajv's English.
 * Also used by the API's refusals of a request's shape (server/app.ts).
 */
export function schemaErrorPortuguese(path: string, e: Pick<ErrorObject, 'keyword' | 'params' | 'message'>): string {
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required':
      return `${path} é obrigatório`;
    case 'additionalProperties':
      return `${path} tem um campo desconhecido "${p.additionalProperty}"`;
    case 'enum':
      return `${path} deve ser um destes: ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'type':
      return `${path} deve ser do tipo ${p.type}`;
    case 'minLength':
    case 'maxLength':
      return `${path} deve ter ${e.keyword === 'minLength' ? 'pelo menos' : 'no máximo'} ${p.limit} caractere${p.limit === 1 ? '' : 's'}`;
    case 'minItems':
    case 'maxItems':
      return `${path} deve ter ${e.keyword === 'minItems' ? 'pelo menos' : 'no máximo'} ${p.limit} ite${p.limit === 1 ? 'm' : 'ns'}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${path} deve ser ${p.comparison} ${p.limit}`;
    case 'pattern':
      return `${path} não está no formato esperado (${p.pattern})`;
    default:
      return `${path} é inválido: ${e.message}`;
  }
}
