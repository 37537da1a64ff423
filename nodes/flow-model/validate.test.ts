import { describe, expect, it } from 'vitest';
import { type ConnectionInfo, type FlowProblem, validateFlow } from './validate';

const node = (id: string, type: string, params: Record<string, unknown> = {}, typeVersion = 1) => ({ id, type, typeVersion, params });
const edge = (from: string, to: string, fromPort = 'out', toPort?: string) => ({ from, fromPort, to, ...(toPort ? { toPort } : {}) });

const CONNECTIONS: Record<string, ConnectionInfo> = {
  bling: { name: 'Bling da loja', provider: 'Bling', reads: ['products'], writes: ['products'], webhooks: false, receivables: true },
  ml: { name: 'Mercado Livre', provider: 'Mercado Livre', reads: ['orders'], writes: ['products'], webhooks: true },
  smtp: { name: 'E-mail', provider: 'SMTP', reads: [], writes: [], webhooks: false, messaging: 'email' },
};
const ctx = { connection: (id: string) => CONNECTIONS[id] };
const problemsOf = (input: unknown) => validateFlow(input, ctx).problems;

/** A flow that saves: manual start, read from Bling, write to Mercado Livre. */
const good = () => ({
  schemaVersion: 1,
  nodes: [node('start', 'trigger.manual'), node('src', 'fetch', { connectionId: 'bling', entity: 'products' }), node('w', 'upsert', { connectionId: 'ml', entity: 'products' })],
  edges: [edge('start', 'src'), edge('src', 'w')],
});

/** Bad documents that, together, meet every problem the validator knows. */
const BAD_INPUTS: unknown[] = [
  'not a document',
  { schemaVersion: 'one', nodes: [], edges: [] },
  { schemaVersion: 99, nodes: [], edges: [] },
  { schemaVersion: 1, nodes: 'x', edges: 'y' },
  { schemaVersion: 1, nodes: [], edges: [] },
  {
    schemaVersion: 1,
    nodes: [
      { type: 'map', typeVersion: 1, params: {} },
      node('t1', 'trigger.manual'),
      node('t2', 'trigger.schedule', { every: 'cron', cron: '*/5 * * *' }),
      node('t3', 'trigger.schedule', { every: 'interval' }),
      node('hook', 'trigger.webhook', { connectionId: 'bling' }),
      node('x', 'no-such-block'),
      node('v', 'transform', { mode: 'expression', expression: '$$$ (' }, 2),
      node('src1', 'fetch', { connectionId: 'bling', entity: 'orders', batchSize: 0 }, 1),
      node('src2', 'fetch', { connectionId: 'ghost', entity: 'sku' }),
      node('src3', 'fetch', { connectionId: 'bling' }),
      node('w', 'upsert', { connectionId: 'bling', entity: 'orders', extra: 1 }),
      node('n', 'notify', { connectionId: 'bling', to: 'email' }),
      node('c', 'charge', { kind: 'pix', amount: 'total', connectionId: 'bling' }),
      node('s', 'settle', { connectionId: 'smtp' }),
      node('e', 'emit-nf', { connectionId: 'bling', items: 'itens' }),
      node('m', 'map', { fields: { a: 'b' } }),
      node('m', 'map', { fields: { a: 'b' } }),
      { ...node('r', 'map', { fields: { a: 'b' } }), settings: { retry: { maximumAttempts: 0 } } },
    ],
    edges: [edge('ghost', 'src1'), edge('t1', 'ghost2'), edge('t1', 'r', 'nope'), edge('src1', 't1'), edge('t1', 'w'), edge('src1', 'w'), edge('src2', 'w'), edge('src1', 'w', 'out', 'sideways')],
  },
  {
    schemaVersion: 1,
    nodes: [...good().nodes, node('a', 'approve'), node('m1', 'map', { fields: { a: 'b' } }), node('m2', 'map', { fields: { a: 'b' } })],
    edges: [...good().edges, edge('src', 'a'), edge('src', 'm1'), edge('m2', 'm1'), edge('m1', 'm2')],
  },
  { ...good(), nodes: [...good().nodes, node('m', 'map', { fields: { a: 'b' } })], edges: [...good().edges, edge('src', 'm')] },
  { ...good(), alerts: 'x' },
  { ...good(), alerts: [null, { to: '', on: ['never'], connectionId: 'ghost' }, { to: 'financeiro@loja.test', connectionId: 'bling' }] },
];

/** A fragment of each problem's English text: the inputs above must meet them all. */
const EVERY_KIND = [
  'must be a JSON object', 'whole number', 'newer than this Ponte', 'nodes must be a list', 'edges must be a list',
  'Node 1 has no id', 'share the id', 'Unknown node type', 'is not supported', 'starts at node', 'ends at node', 'has no output',
  'has no input', 'Cannot connect', 'is not connected', 'incoming links', 'A flow has one trigger', 'Add a trigger node',
  'one fetch node', 'Add a fetch node', 'Add a node that writes', 'holds records for confirmation', 'part of a cycle',
  'leads nowhere', 'does not exist; pick', 'sends no messages', 'creates no charges', 'settles no receivables', 'issues no invoices',
  'sends no webhooks', 'cannot read', 'cannot write', 'alerts must be a list', 'must be an object with connectionId', '.to is required',
  'lists run endings', 'must name an existing', 'is not a valid expression', 'needs five fields', 'intervalSeconds is required',
  'params.entity is required', 'unknown field', 'must be one of', 'must be >=',
];

describe('validateFlow: problems in both languages', () => {
  it('names a block by its id and its Portuguese label, and keeps the English message as it was', () => {
    const problems = problemsOf({ ...good(), edges: [edge('src', 'w')] });
    const unlinked = problems.find((p) => p.nodeId === 'src')!;
    expect(unlinked.message).toBe('Fetch "src" is not connected: link something to its start input');
    expect(unlinked.text).toEqual({ en: unlinked.message, 'pt-BR': 'O bloco "src" (Buscar) não está ligado: ligue um bloco à sua entrada "Início"' });
  });

  it('says what a connection cannot do, keeping its name and the entities as data', () => {
    const doc = good();
    doc.nodes[1].params.entity = 'orders';
    const [problem] = problemsOf(doc);
    expect(problem).toMatchObject({ nodeId: 'src', field: 'params.entity', message: 'Connection "Bling da loja" (Bling) cannot read orders; it reads: products' });
    expect(problem.text!['pt-BR']).toBe('A conexão "Bling da loja" (Bling) não lê orders; ela lê: products');
  });

  it('words the JSON-Schema errors of parameters in Portuguese', () => {
    const doc = good();
    doc.nodes[1].params = { connectionId: 'bling', entity: 'sku', extra: true };
    const problems = problemsOf(doc);
    expect(problems.find((p) => p.message.startsWith('params.entity must be one of'))!.text!['pt-BR']).toMatch(/^params\.entity deve ser um destes: products, /);
    expect(problems.find((p) => p.field === 'params.extra')!.text).toEqual({ en: 'params has an unknown field "extra"', 'pt-BR': 'params tem um campo desconhecido "extra"' });
    delete doc.nodes[1].params.entity;
    expect(problemsOf(doc).find((p) => p.field === 'params.entity')!.text).toEqual({ en: 'params.entity is required', 'pt-BR': 'params.entity é obrigatório' });
  });

  it('gives every problem it can find in English and in Portuguese', () => {
    const all: FlowProblem[] = BAD_INPUTS.flatMap(problemsOf);
    for (const kind of EVERY_KIND) expect(all.some((p) => p.message.includes(kind)), kind).toBe(true);
    for (const p of all) {
      expect(p.text?.en, p.message).toBe(p.message);
      expect(p.text?.['pt-BR'], p.message).toBeTruthy();
      expect(p.text!['pt-BR'], p.message).not.toBe(p.message);
    }
    expect(problemsOf(good())).toEqual([]);
  });
});
