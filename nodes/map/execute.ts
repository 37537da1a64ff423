import jsonata from 'jsonata';
import type { PureExecutor } from '../executor';
import { withPonteFunctions } from '../expression-functions';

/**
 * All fields are compiled into one JSONata object constructor, so a record costs one
 * evaluation however many fields the mapping has.
 */
export const mapExecutor: PureExecutor = {
  compile(params, env) {
    const fields = params.fields as Record<string, string>;
    const keepUnmapped = params.keepUnmapped === true;
    const source = `{ ${Object.entries(fields)
      .map(([target, expr]) => `${JSON.stringify(target)}: (${expr})`)
      .join(', ')} }`;
    const expression = withPonteFunctions(jsonata(source, env.limits), env);
    return async (record) => {
      const mapped = (await expression.evaluate(record.data)) as Record<string, unknown> | undefined;
      const data = { ...(keepUnmapped ? record.data : {}), ...(mapped ?? {}) };
      return { ...record, data };
    };
  },
};
