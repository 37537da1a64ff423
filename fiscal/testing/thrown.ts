import { expect } from 'vitest';

/** The error `fn` throws, checked to be a `type`; fails the test when nothing is thrown. */
export function thrownBy<T extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => T): T {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as T;
  }
  throw new Error(`expected a ${type.name}, nothing was thrown`);
}
