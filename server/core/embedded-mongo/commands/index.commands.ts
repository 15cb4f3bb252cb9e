import type { Document } from 'bson';
import { canonicalKey, formatValue } from '../bson-bridge';
import { arrayArg, collectionArg, documentArg } from '../command-args';
import type { CommandContext, CommandTable } from '../command.types';
import { defaultIndexName, ID_INDEX_NAME, type IndexSpec } from '../collection-store';
import { assertNoProtoKeys, assertSafePath } from '../field-path-guard';
import { MongoCommandError } from '../mongo-error';

const INDEX_TYPES = new Set(['text', '2d', '2dsphere', 'hashed', 'columnstore']);
/** Build-time options that do not distinguish one index from another. */
const IGNORED_OPTIONS = new Set(['background', 'v', 'key', 'name', 'ns']);

function normaliseSpec(raw: Document): IndexSpec {
  const key = documentArg(raw, 'key');
  if (key === undefined || Object.keys(key).length === 0) {
    throw new MongoCommandError('CannotCreateIndex', 'Index keys cannot be empty.');
  }
  for (const [field, direction] of Object.entries(key)) {
    assertSafePath(field, 'Index key');
    const ok = (typeof direction === 'number' && direction !== 0) || (typeof direction === 'string' && INDEX_TYPES.has(direction));
    if (!ok) throw new MongoCommandError('CannotCreateIndex', `Values in the index key pattern can contain only non-zero numbers or index type names; found ${field}: ${formatValue(direction)}`);
  }
  assertNoProtoKeys(raw.partialFilterExpression, 'partialFilterExpression');
  const name = raw.name === undefined ? defaultIndexName(key) : raw.name;
  if (typeof name !== 'string' || name.length === 0) throw new MongoCommandError('CannotCreateIndex', 'The index name must be a non-empty string');
  const spec: IndexSpec = { v: 2, key, name };
  for (const [option, value] of Object.entries(raw)) if (!IGNORED_OPTIONS.has(option)) spec[option] = value;
  return spec;
}

function options(spec: IndexSpec): string {
  const rest: Document = {};
  for (const [k, v] of Object.entries(spec)) if (!IGNORED_OPTIONS.has(k)) rest[k] = v;
  return canonicalKey(rest);
}

function createIndexes(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'createIndexes');
  const requested = arrayArg(ctx.body, 'indexes').map(normaliseSpec);
  const createdCollectionAutomatically = ctx.catalog.get(ctx.db, name) === undefined;
  const coll = ctx.catalog.ensure(ctx.db, name, ctx.pending);
  const numIndexesBefore = coll.indexes.length;
  for (const spec of requested) {
    const sameName = coll.findIndex(spec.name);
    const sameKey = coll.indexes.find((i) => canonicalKey(i.key) === canonicalKey(spec.key));
    if (sameName !== undefined) {
      if (canonicalKey(sameName.key) !== canonicalKey(spec.key)) {
        throw new MongoCommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${formatValue(spec)}, existing index: ${formatValue(sameName)}`);
      }
      if (spec.name !== ID_INDEX_NAME && options(sameName) !== options(spec)) {
        throw new MongoCommandError('IndexOptionsConflict', `An equivalent index already exists with the same name but different options. Requested index: ${formatValue(spec)}, existing index: ${formatValue(sameName)}`);
      }
      continue;
    }
    if (sameKey !== undefined) {
      const samePartial = canonicalKey(sameKey.partialFilterExpression) === canonicalKey(spec.partialFilterExpression);
      if (options(sameKey) === options(spec)) {
        throw new MongoCommandError('IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
      }
      if (samePartial) {
        throw new MongoCommandError('IndexOptionsConflict', `An existing index has the same key pattern but different options. Requested index: ${formatValue(spec)}, existing index: ${formatValue(sameKey)}`);
      }
    }
    if (spec.unique === true && Object.values(spec.key).some((d) => d === 'hashed')) {
      throw new MongoCommandError('CannotCreateIndex', 'Currently hashed indexes cannot guarantee uniqueness. Use a regular index.');
    }
    coll.checkIndexBuild(spec);
    ctx.catalog.record({ op: 'createIndex', db: ctx.db, coll: name, spec }, ctx.pending);
  }
  const reply: Document = { numIndexesBefore, numIndexesAfter: coll.indexes.length, createdCollectionAutomatically, ok: 1 };
  if (numIndexesBefore === coll.indexes.length) reply.note = 'all indexes already exist';
  return reply;
}

function listIndexes(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'listIndexes');
  const coll = ctx.catalog.get(ctx.db, name);
  if (coll === undefined) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  const batchSize = (documentArg(ctx.body, 'cursor') ?? {}).batchSize as number | undefined;
  return ctx.cursors.open(`${ctx.db}.${name}`, coll.indexes.map((i) => ({ ...i })), batchSize, false);
}

function dropIndexes(ctx: CommandContext): Document {
  const command = ctx.body.dropIndexes !== undefined ? 'dropIndexes' : 'deleteIndexes';
  const name = collectionArg(ctx.body, command);
  const coll = ctx.catalog.get(ctx.db, name);
  if (coll === undefined) throw new MongoCommandError('NamespaceNotFound', `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.length;
  const target = ctx.body.index;
  let names: string[];
  if (target === '*') {
    names = coll.indexes.filter((i) => i.name !== ID_INDEX_NAME).map((i) => i.name);
  } else if (typeof target === 'string' || Array.isArray(target)) {
    names = typeof target === 'string' ? [target] : target.map(String);
    for (const n of names) {
      if (n === ID_INDEX_NAME) throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
      if (coll.findIndex(n) === undefined) throw new MongoCommandError('IndexNotFound', `index not found with name [${n}]`);
    }
  } else if (typeof target === 'object' && target !== null) {
    const match = coll.indexes.find((i) => canonicalKey(i.key) === canonicalKey(target));
    if (match === undefined) throw new MongoCommandError('IndexNotFound', `can't find index with key: ${formatValue(target)}`);
    if (match.name === ID_INDEX_NAME) throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    names = [match.name];
  } else {
    throw new MongoCommandError('TypeMismatch', "BSON field 'dropIndexes.index' is missing or has the wrong type");
  }
  for (const n of names) ctx.catalog.record({ op: 'dropIndex', db: ctx.db, coll: name, name: n }, ctx.pending);
  return { nIndexesWas, ok: 1 };
}

export const indexCommands: CommandTable = {
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
};
