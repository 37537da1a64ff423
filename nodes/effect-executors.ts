/** Executors of side-effecting nodes, by type. Activity side. */
import type { EffectExecutor } from './executor';
import { approveExecutor } from './approve/execute';
import { notifyExecutor } from './notify/execute';
import { upsertExecutor } from './upsert/execute';

export const effectExecutors: Record<string, EffectExecutor> = {
  approve: approveExecutor,
  upsert: upsertExecutor,
  notify: notifyExecutor,
};
