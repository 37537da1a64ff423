import jsonata from 'jsonata';
import type { PureExecutor } from '../executor';
import { withPonteFunctions } from '../expression-functions';

export class TransformError extends Error {
  override name = 'TransformError';
}

export const transformExecutor: PureExecutor = {
  compile(params, env) {
    const expression = withPonteFunctions(jsonata(params.expression as string, env.limits), env);
    if (params.mode === 'filter') {
      return async (record) => ((await expression.evaluate(record.data)) ? record : null);
    }
    return async (record) => {
      const result = await expression.evaluate(record.data);
      if (!result || typeof result !== 'object' || Array.isArray(result)) throw new TransformError(`The expression must return an object; it returned ${JSON.stringify(result) ?? 'nothing'}`);
      return { ...record, data: result as Record<string, unknown> };
    };
  },
};
