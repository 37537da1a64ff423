/**
 * Ponte's own JSONata functions, available in every map and transform expression. They read
 * only what the stage loaded before running (PureEnv), so an expression stays one synchronous
 * evaluation per record.
 */
import type jsonata from 'jsonata';
import type { PureEnv } from './executor';

export function withPonteFunctions(expression: jsonata.Expression, env: PureEnv): jsonata.Expression {
  // $depara(name, value): a list is translated element by element, like JSONata's own functions over sequences.
  expression.registerFunction('depara', (name: unknown, value: unknown) => {
    if (typeof name !== 'string' || name === '') throw new TypeError('$depara needs the name of a de-para first, e.g. $depara("carrier", transportadora)');
    if (Array.isArray(value)) return value.map((v) => env.valueMaps.translate(name, v)).filter((v) => v !== undefined);
    return env.valueMaps.translate(name, value);
  });
  return expression;
}
