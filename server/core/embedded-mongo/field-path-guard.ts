import type { Document } from 'bson';
import { MongoCommandError } from './mongo-error';

/**
 * Path components that name JS prototype machinery. mingo walks update paths
 * with ordinary property access, so they are refused outright rather than
 * trusting every code path to treat them as data.
 */
const RESERVED_COMPONENTS = new Set(['__proto__', 'constructor', 'prototype']);

export function assertSafePath(path: string, what: string): void {
  for (const part of path.split('.')) {
    if (RESERVED_COMPONENTS.has(part)) {
      throw new MongoCommandError('BadValue', `${what} path '${path}' contains the reserved field name '${part}'`);
    }
    if (part === '') {
      throw new MongoCommandError('BadValue', `${what} path '${path}' contains an empty field name`);
    }
  }
}

/**
 * Filters, projections and sort specs are walked by mingo too; `__proto__`
 * anywhere in their keys is refused (MongoDB itself has no use for it there).
 */
export function assertNoProtoKeys(spec: unknown, what: string): void {
  if (typeof spec !== 'object' || spec === null) return;
  if (Array.isArray(spec)) {
    for (const item of spec) assertNoProtoKeys(item, what);
    return;
  }
  if (Object.getPrototypeOf(spec) !== Object.prototype) return;
  for (const key of Object.keys(spec)) {
    if (key.split('.').includes('__proto__')) {
      throw new MongoCommandError('BadValue', `${what} may not reference the field name '__proto__'`);
    }
    assertNoProtoKeys((spec as Document)[key], what);
  }
}
