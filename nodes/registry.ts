/** The node catalogue (pure): the workflow, the API and the UI read it. */
import { approveNode } from './approve/definition';
import { chargeNode } from './charge/definition';
import { emitNfNode } from './emit-nf/definition';
import { settleNode } from './settle/definition';
import { notifyNode } from './notify/definition';
import { fetchNode } from './fetch/definition';
import { mapNode } from './map/definition';
import { transformNode } from './transform/definition';
import { triggerManual } from './trigger-manual/definition';
import { triggerSchedule } from './trigger-schedule/definition';
import { triggerWebhook } from './trigger-webhook/definition';
import type { NodeDefinition } from './types';
import { upsertNode } from './upsert/definition';

export const nodeDefinitions: NodeDefinition[] = [triggerManual, triggerSchedule, triggerWebhook, fetchNode, mapNode, transformNode, approveNode, upsertNode, notifyNode, chargeNode, settleNode, emitNfNode];

const byType = new Map(nodeDefinitions.map((d) => [d.type, d]));

export function getNodeDefinition(type: string): NodeDefinition | undefined {
  return byType.get(type);
}
