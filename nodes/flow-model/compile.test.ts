import { describe, expect, it } from 'vitest';
import { compilePlan } from './compile';
import type { FlowDocument } from './document';
import { migrateDocument } from './migrate';

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, typeVersion: 1, params });
const edge = (from: string, to: string) => ({ from, fromPort: 'out', to });

describe('compilePlan', () => {
  it('fuses map and transform into the upsert that follows them: one stage, one activity per page', () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [node('t', 'trigger.manual'), node('src', 'fetch'), node('f', 'transform'), node('m', 'map'), node('w', 'upsert')],
      edges: [edge('t', 'src'), edge('src', 'f'), edge('f', 'm'), edge('m', 'w')],
    };
    const plan = compilePlan(doc);
    expect(plan.source.nodeId).toBe('src');
    expect(plan.levels).toEqual([[expect.objectContaining({ id: 'w', nodeIds: ['f', 'm', 'w'], input: 'src', storesOutput: false })]]);
  });

  it('gives two writers fed by one source their own stages, in a stable order', () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [node('t', 'trigger.manual'), node('src', 'fetch'), node('mb', 'map'), node('ma', 'map'), node('wb', 'upsert'), node('wa', 'upsert')],
      edges: [edge('t', 'src'), edge('src', 'mb'), edge('src', 'ma'), edge('mb', 'wb'), edge('ma', 'wa')],
    };
    const first = compilePlan(doc);
    const shuffled = compilePlan({ ...doc, nodes: [...doc.nodes].reverse(), edges: [...doc.edges].reverse() });
    expect(first.levels[0].map((s) => s.id)).toEqual(['wa', 'wb']);
    expect(shuffled.levels).toEqual(first.levels);
  });

  it('chains a writer that reads another writer’s output one level later, and stores that output', () => {
    const doc: FlowDocument = {
      schemaVersion: 1,
      nodes: [node('t', 'trigger.manual'), node('src', 'fetch'), node('w1', 'upsert'), node('m', 'map'), node('w2', 'upsert')],
      edges: [edge('t', 'src'), edge('src', 'w1'), edge('w1', 'm'), edge('m', 'w2')],
    };
    const plan = compilePlan(doc);
    expect(plan.levels.map((l) => l.map((s) => s.id))).toEqual([['w1'], ['w2']]);
    expect(plan.levels[0][0].storesOutput).toBe(true);
    expect(plan.levels[1][0]).toMatchObject({ input: 'w1', nodeIds: ['m', 'w2'] });
  });
});

describe('migrateDocument', () => {
  it('loads a version 1 document as it is', () => {
    const doc = { schemaVersion: 1, nodes: [], edges: [] };
    expect(migrateDocument(doc)).toEqual(doc);
  });
  it('refuses a document from a newer Ponte with a message saying so', () => {
    expect(() => migrateDocument({ schemaVersion: 99, nodes: [], edges: [] })).toThrow(/newer than this Ponte understands/);
  });
});
