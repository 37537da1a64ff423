/** Executors of pure (per-record) nodes, by type. Activity side. */
import type { PureExecutor } from './executor';
import { mapExecutor } from './map/execute';
import { transformExecutor } from './transform/execute';

export const pureExecutors: Record<string, PureExecutor> = {
  map: mapExecutor,
  transform: transformExecutor,
};
