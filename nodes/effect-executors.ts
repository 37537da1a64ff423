/** Executors of side-effecting nodes, by type. Activity side. */
import type { EffectExecutor } from './executor';
import { approveExecutor } from './approve/execute';
import { chargeExecutor } from './charge/execute';
import { emitNfExecutor } from './emit-nf/execute';
import { settleExecutor } from './settle/execute';
import { notifyExecutor } from './notify/execute';
import { upsertExecutor } from './upsert/execute';

export const effectExecutors: Record<string, EffectExecutor> = {
  approve: approveExecutor,
  upsert: upsertExecutor,
  notify: notifyExecutor,
  charge: chargeExecutor,
  settle: settleExecutor,
  'emit-nf': emitNfExecutor,
};
