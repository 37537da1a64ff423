/**
 * The three-way check of an update: base (what Ponte pushed last), source (what the flow wants
 * to push now) and target (what the other side holds now). Only the fields the flow writes
 * count. A shared field changed on both sides to different values is a conflict; a field only
 * the target changed keeps the target's value; a field only the source changed is pushed.
 */
import { canonicalJson } from '../canonical-json';
import { type FieldOwner, type OwnershipContext, ownerOf } from './ownership';

export interface ThreeWayResult {
  /** Shared fields both sides changed differently: nothing is written while any remains. */
  conflicts: string[];
  /** What to write: the source's fields, with target-owned and target-only changes kept. */
  merged: Record<string, unknown>;
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

export function threeWay(base: Record<string, unknown> | null | undefined, source: Record<string, unknown>, target: Record<string, unknown> | null, owners: OwnershipContext): ThreeWayResult {
  const conflicts: string[] = [];
  const merged: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(source)) {
    const owner: FieldOwner = ownerOf(field, owners);
    const known = target !== null && Object.hasOwn(target, field);
    if (owner === 'source' || !known) {
      merged[field] = value;
      continue;
    }
    if (owner === 'target') {
      merged[field] = target![field];
      continue;
    }
    // Shared. Without a base (first sync after a binding made by hand or by discovery) the source wins.
    if (!base || !Object.hasOwn(base, field)) {
      merged[field] = value;
      continue;
    }
    const sourceChanged = !same(value, base[field]);
    const targetChanged = !same(target![field], base[field]);
    if (sourceChanged && targetChanged && !same(value, target![field])) conflicts.push(field);
    merged[field] = targetChanged && !sourceChanged ? target![field] : value;
  }
  return { conflicts, merged };
}

/** Whether the conflict check can matter: some written field is not owned by the source. */
export function needsTargetRead(fields: string[], owners: OwnershipContext): boolean {
  return fields.some((f) => ownerOf(f, owners) !== 'source');
}
