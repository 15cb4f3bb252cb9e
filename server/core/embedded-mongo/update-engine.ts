import { ObjectId, type Document } from 'bson';
import {
  addNumeric,
  bsonTypeAlias,
  canonicalKey,
  cloneDocument,
  formatValue,
  getOwn,
  getPath,
  isNumeric,
  multiplyNumeric,
} from './bson-bridge';
import { assertSafePath } from './field-path-guard';
import { MongoCommandError } from './mongo-error';
import { applyOperators, runPipeline } from './query-engine';

const UPDATE_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$push', '$addToSet', '$pull', '$pullAll', '$pop',
  '$currentDate', '$bit', '$setOnInsert',
]);

export type UpdateKind = 'operators' | 'replacement' | 'pipeline';

export function classifyUpdate(update: unknown): UpdateKind {
  if (Array.isArray(update)) return 'pipeline';
  if (typeof update !== 'object' || update === null) {
    throw new MongoCommandError('FailedToParse', 'Update argument must be either an object or an array');
  }
  const keys = Object.keys(update);
  if (keys.length === 0 || !keys[0].startsWith('$')) {
    for (const key of keys) {
      if (key.startsWith('$')) {
        throw new MongoCommandError('DollarPrefixedFieldName', `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`);
      }
    }
    return 'replacement';
  }
  for (const key of keys) {
    if (!UPDATE_OPERATORS.has(key)) {
      throw new MongoCommandError('FailedToParse', `Unknown modifier: ${key}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    const fields = (update as Document)[key];
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
      throw new MongoCommandError('FailedToParse', `Modifiers operate on fields but we found type ${bsonTypeAlias(fields)} instead. For example: {$mod: {<field>: ...}} not {${key}: ${formatValue(fields)}}`);
    }
  }
  return 'operators';
}

function conflicts(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

function updatedPaths(update: Document): string[] {
  const paths: string[] = [];
  for (const [op, fields] of Object.entries(update)) {
    for (const [path, arg] of Object.entries(fields as Document)) {
      assertSafePath(path, 'Update');
      paths.push(path);
      if (op === '$rename') {
        if (typeof arg !== 'string') throw new MongoCommandError('BadValue', `The 'to' field for $rename must be a string: ${path}: ${formatValue(arg)}`);
        assertSafePath(arg, 'Update');
        paths.push(arg);
      }
    }
  }
  return paths;
}

function assertNoConflicts(paths: string[]): void {
  // Positional segments make prefixes ambiguous; mingo resolves those itself.
  const plain = paths.map((p) => p.split('.').filter((s) => !s.startsWith('$')).join('.'));
  for (let i = 0; i < plain.length; i++) {
    for (let j = i + 1; j < plain.length; j++) {
      if (conflicts(plain[i], plain[j])) {
        throw new MongoCommandError('ConflictingUpdateOperators', `Updating the path '${paths[j]}' would create a conflict at '${plain[i]}'`);
      }
    }
  }
}

/** `$addToSet: { f: { $each: [...] } }` adds each distinct value once; mingo would add repeats. */
function dedupeAddToSet(fields: Document): Document {
  const out: Document = {};
  for (const [path, arg] of Object.entries(fields)) {
    const each = typeof arg === 'object' && arg !== null && Array.isArray((arg as Document).$each) ? ((arg as Document).$each as unknown[]) : undefined;
    if (each === undefined) {
      out[path] = arg;
      continue;
    }
    const unique = new Map(each.map((v) => [canonicalKey(v), v]));
    out[path] = { ...(arg as Document), $each: [...unique.values()] };
  }
  return out;
}

/**
 * Rewrites `$inc`/`$mul` on plain paths into `$set` of the computed value so
 * Long/Int32/Decimal128 arithmetic follows MongoDB (mingo would use JS `+`),
 * and de-duplicates `$addToSet` `$each` lists.
 */
function bridgeOperators(doc: Document, update: Document): Document {
  const result: Document = {};
  const set: Document = { ...(update.$set as Document | undefined) };
  // mingo refuses any `_id` path; MongoDB accepts setting it to its current value.
  for (const [op, fields] of Object.entries(update)) {
    for (const path of Object.keys(fields as Document)) {
      if (path !== '_id' && !path.startsWith('_id.')) continue;
      const sameValue = op === '$set' && path === '_id' && Object.prototype.hasOwnProperty.call(doc, '_id') && sameId(doc._id, set._id);
      if (!sameValue) throw immutableId();
      delete set._id;
    }
  }
  for (const [op, fields] of Object.entries(update)) {
    if (op === '$addToSet') {
      result[op] = dedupeAddToSet(fields as Document);
      continue;
    }
    if (op !== '$inc' && op !== '$mul') {
      if (op !== '$set') result[op] = fields;
      continue;
    }
    const passThrough: Document = {};
    for (const [path, operand] of Object.entries(fields as Document)) {
      const verb = op === '$inc' ? 'increment' : 'multiply';
      if (!isNumeric(operand)) {
        throw new MongoCommandError('TypeMismatch', `Cannot ${verb} with non-numeric argument: {${path}: ${formatValue(operand)}}`);
      }
      if (path.includes('$')) {
        passThrough[path] = operand;
        continue;
      }
      const current = getPath(doc, path);
      if (current !== undefined && !isNumeric(current)) {
        throw new MongoCommandError('TypeMismatch', `Cannot apply ${op} to a value of non-numeric type. {_id: ${formatValue(doc._id)}} has the field '${path.split('.').pop()}' of non-numeric type ${bsonTypeAlias(current)}`);
      }
      try {
        set[path] = op === '$inc' ? addNumeric(current, operand) : multiplyNumeric(current, operand);
      } catch {
        throw new MongoCommandError('BadValue', `Failed to apply ${op} operations to current value (${formatValue(current)}) for document {_id: ${formatValue(doc._id)}}`);
      }
    }
    if (Object.keys(passThrough).length > 0) result[op] = passThrough;
  }
  if (Object.keys(set).length > 0) result.$set = set;
  return result;
}

function sameId(a: unknown, b: unknown): boolean {
  return canonicalKey(a) === canonicalKey(b) && bsonTypeAlias(a) === bsonTypeAlias(b);
}

function immutableId(): MongoCommandError {
  return new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
}

function assertIdUnchanged(before: Document, after: Document): void {
  if (!Object.prototype.hasOwnProperty.call(after, '_id') || !sameId(after._id, before._id)) throw immutableId();
}

function withIdFirst(doc: Document): Document {
  if (Object.keys(doc)[0] === '_id' || !Object.prototype.hasOwnProperty.call(doc, '_id')) return doc;
  const out: Document = { _id: doc._id };
  for (const key of Object.keys(doc)) if (key !== '_id') out[key] = doc[key];
  return out;
}

export interface UpdateOptions {
  filter: Document;
  arrayFilters?: Document[];
}

/**
 * Applies an update to a stored document without touching it. Returns the new
 * document, or the original object when nothing changed (a no-op update).
 */
export function applyUpdate(doc: Document, update: Document | Document[], options: UpdateOptions): Document {
  const kind = classifyUpdate(update);
  if (kind === 'replacement') {
    const replacement = update as Document;
    for (const key of Object.keys(replacement)) assertSafePath(key, 'Replacement');
    const next = cloneDocument(replacement);
    if (Object.prototype.hasOwnProperty.call(next, '_id')) assertIdUnchanged(doc, next);
    else next._id = doc._id;
    const result = withIdFirst(next);
    return canonicalKey(result) === canonicalKey(doc) ? doc : result;
  }
  if (kind === 'pipeline') {
    const [next] = runPipeline([doc], update as Document[], () => []);
    if (next === undefined) throw new MongoCommandError('BadValue', 'update pipeline produced no document');
    assertIdUnchanged(doc, next);
    return canonicalKey(next) === canonicalKey(doc) ? doc : next;
  }
  const operators = { ...(update as Document) };
  delete operators.$setOnInsert;
  assertNoConflicts(updatedPaths(update as Document));
  if (Object.keys(operators).length === 0) return doc;
  const working = cloneDocument(doc);
  const bridged = bridgeOperators(working, operators);
  if (Object.keys(bridged).length === 0) return doc;
  const modified = applyOperators(working, bridged, options.arrayFilters, options.filter);
  if (modified.length === 0) return doc;
  assertIdUnchanged(doc, working);
  return working;
}

function setSeedPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let current = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = getOwn(current, parts[i]);
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      const created: Document = {};
      current[parts[i]] = created;
      current = created;
    } else {
      current = next as Document;
    }
  }
  current[parts[parts.length - 1]] = cloneDocument(value);
}

function isOperatorObject(value: unknown): value is Document {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys[0].startsWith('$');
}

/** Fields an upsert copies from the filter: plain equalities and `$eq`, also inside `$and`. */
function seedFromFilter(filter: Document, seed: Document): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) seedFromFilter(clause as Document, seed);
      continue;
    }
    if (key.startsWith('$')) continue;
    assertSafePath(key, 'Query');
    if (!isOperatorObject(value)) setSeedPath(seed, key, value);
    else if (Object.keys(value).length === 1 && Object.prototype.hasOwnProperty.call(value, '$eq')) setSeedPath(seed, key, value.$eq);
  }
}

/** Builds the document an upsert inserts when nothing matched. */
export function buildUpsertDocument(filter: Document, update: Document | Document[], arrayFilters?: Document[]): Document {
  const kind = classifyUpdate(update);
  let doc: Document;
  if (kind === 'replacement') {
    doc = cloneDocument(update as Document);
    if (!Object.prototype.hasOwnProperty.call(doc, '_id')) {
      const seed: Document = {};
      seedFromFilter(filter, seed);
      if (Object.prototype.hasOwnProperty.call(seed, '_id')) doc._id = seed._id;
    }
  } else {
    const seed: Document = {};
    seedFromFilter(filter, seed);
    if (kind === 'pipeline') {
      const [result] = runPipeline([seed], update as Document[], () => []);
      doc = result ?? seed;
    } else {
      const ops = update as Document;
      assertNoConflicts(updatedPaths(ops));
      const { $setOnInsert, ...rest } = ops;
      const merged: Document = { ...rest };
      if ($setOnInsert !== undefined) merged.$set = { ...(rest.$set as Document | undefined), ...($setOnInsert as Document) };
      const set = merged.$set as Document | undefined;
      // An inserted document may take its `_id` from the update itself.
      if (set !== undefined && Object.prototype.hasOwnProperty.call(set, '_id') && !Object.prototype.hasOwnProperty.call(seed, '_id')) {
        seed._id = cloneDocument(set._id);
      }
      const bridged = bridgeOperators(seed, merged);
      if (Object.keys(bridged).length > 0) applyOperators(seed, bridged, arrayFilters, {});
      doc = seed;
    }
  }
  if (!Object.prototype.hasOwnProperty.call(doc, '_id')) doc = { _id: new ObjectId(), ...doc };
  return withIdFirst(doc);
}
