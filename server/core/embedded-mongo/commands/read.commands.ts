import { Long, ObjectId, type Document } from 'bson';
import { resolve } from 'mingo/util';
import { canonicalKey, cloneDocument, compareValues } from '../bson-bridge';
import { arrayArg, collectionArg, cursorIdArg, documentArg, numberArg } from '../command-args';
import type { CommandContext, CommandTable } from '../command.types';
import { findMatches, soleIdEquality } from '../document-matcher';
import { assertNoProtoKeys } from '../field-path-guard';
import { MongoCommandError } from '../mongo-error';
import { projectDocuments, runPipeline } from '../query-engine';

function find(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'find');
  const ns = `${ctx.db}.${name}`;
  let limit = numberArg(ctx.body, 'limit') ?? 0;
  let singleBatch = ctx.body.singleBatch === true;
  if (limit < 0) {
    // Legacy negative limit: one batch of |limit| documents.
    limit = -limit;
    singleBatch = true;
  }
  const batchSize = numberArg(ctx.body, 'batchSize');
  if (batchSize !== undefined && batchSize < 0) throw new MongoCommandError('BadValue', 'batchSize value must be non-negative');
  const projection = documentArg(ctx.body, 'projection');
  assertNoProtoKeys(projection, 'A projection');
  const filter = documentArg(ctx.body, 'filter');
  const sort = documentArg(ctx.body, 'sort');
  const skip = numberArg(ctx.body, 'skip');
  if (filter !== undefined && sort === undefined && !skip && batchSize !== 0) {
    const sole = soleIdEquality(filter);
    if (sole !== undefined) {
      assertNoProtoKeys(filter, 'A query filter');
      // At most one document, so it is the whole first batch and no cursor stays open.
      const doc = ctx.catalog.get(ctx.db, name)?.get(canonicalKey(sole.id));
      const firstBatch = doc === undefined ? [] : projectDocuments([doc], projection);
      return { cursor: { id: Long.ZERO, ns, firstBatch }, ok: 1 };
    }
  }
  const matches = findMatches(ctx.catalog.get(ctx.db, name), filter, { sort, skip, limit });
  const firstBatchSize = batchSize ?? (singleBatch ? limit || Number.POSITIVE_INFINITY : undefined);
  return ctx.cursors.open(ns, projectDocuments(matches, projection), firstBatchSize, singleBatch);
}

function getMore(ctx: CommandContext): Document {
  const name = ctx.body.collection;
  if (typeof name !== 'string') throw new MongoCommandError('TypeMismatch', "BSON field 'getMore.collection' is missing or not a string");
  const batchSize = numberArg(ctx.body, 'batchSize');
  return ctx.cursors.getMore(cursorIdArg(ctx.body.getMore), `${ctx.db}.${name}`, batchSize && batchSize > 0 ? batchSize : undefined);
}

function killCursors(ctx: CommandContext): Document {
  collectionArg(ctx.body, 'killCursors');
  const ids = arrayArg(ctx.body, 'cursors').map(cursorIdArg);
  const { killed, notFound } = ctx.cursors.kill(ids);
  const toLong = (ids: bigint[]) => ids.map((id) => Long.fromBigInt(id));
  return { cursorsKilled: toLong(killed), cursorsNotFound: toLong(notFound), cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

function count(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'count');
  const matches = findMatches(ctx.catalog.get(ctx.db, name), documentArg(ctx.body, 'query'), {
    skip: numberArg(ctx.body, 'skip'),
    limit: Math.abs(numberArg(ctx.body, 'limit') ?? 0),
  });
  return { n: matches.length, ok: 1 };
}

function distinct(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'distinct');
  const key = ctx.body.key;
  if (typeof key !== 'string') throw new MongoCommandError('TypeMismatch', "BSON field 'distinct.key' is missing or not a string");
  assertNoProtoKeys({ [key]: 1 }, 'A distinct key');
  const matches = findMatches(ctx.catalog.get(ctx.db, name), documentArg(ctx.body, 'query'));
  const values = new Map<string, unknown>();
  for (const doc of matches) {
    const value = resolve(doc, key);
    if (value === undefined) continue;
    // Array fields contribute their elements, as with a multikey index.
    for (const v of Array.isArray(value) ? value : [value]) {
      const k = canonicalKey(v);
      if (!values.has(k)) values.set(k, v);
    }
  }
  return { values: [...values.values()].sort(compareValues), ok: 1 };
}

/** Target of a trailing `$out` stage, if any. */
function outTarget(ctx: CommandContext, stage: Document | undefined): { db: string; coll: string } | undefined {
  if (stage === undefined || !Object.prototype.hasOwnProperty.call(stage, '$out')) return undefined;
  const out = stage.$out;
  if (typeof out === 'string') return { db: ctx.db, coll: out };
  if (typeof out === 'object' && out !== null && typeof out.coll === 'string') {
    return { db: typeof out.db === 'string' ? out.db : ctx.db, coll: out.coll };
  }
  throw new MongoCommandError('BadValue', '$out must be a collection name or { db, coll }');
}

function aggregate(ctx: CommandContext): Document {
  const target = ctx.body.aggregate;
  const pipeline = arrayArg(ctx.body, 'pipeline');
  assertNoProtoKeys(pipeline, 'A pipeline');
  const cursorOptions = documentArg(ctx.body, 'cursor');
  if (cursorOptions === undefined && ctx.body.explain !== true) {
    throw new MongoCommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  let input: Document[] = [];
  let ns = `${ctx.db}.$cmd.aggregate`;
  if (target !== 1) {
    const name = collectionArg(ctx.body, 'aggregate');
    ns = `${ctx.db}.${name}`;
    input = [...(ctx.catalog.get(ctx.db, name)?.docs.values() ?? [])];
  }
  for (const stage of pipeline.slice(0, -1)) {
    if (Object.prototype.hasOwnProperty.call(stage, '$out') || Object.prototype.hasOwnProperty.call(stage, '$merge')) {
      throw new MongoCommandError('Location40601', '$out can only be the final stage in the pipeline');
    }
  }
  const last = pipeline[pipeline.length - 1];
  if (last !== undefined && Object.prototype.hasOwnProperty.call(last, '$merge')) {
    throw new MongoCommandError('IllegalOperation', '$merge is not supported by the embedded server');
  }
  const out = outTarget(ctx, last);
  const stages = out === undefined ? pipeline : pipeline.slice(0, -1);
  const resolveCollection = (name: string) => [...(ctx.catalog.get(ctx.db, name)?.docs.values() ?? [])].map(cloneDocument);
  const results = runPipeline(input, stages, resolveCollection);
  if (out !== undefined) {
    writeOut(ctx, out, results);
    return ctx.cursors.open(ns, [], undefined, true);
  }
  return ctx.cursors.open(ns, results, numberArg(cursorOptions ?? {}, 'batchSize'), false);
}

/** `$out` replaces the target collection's documents, keeping its indexes. */
function writeOut(ctx: CommandContext, target: { db: string; coll: string }, results: Document[]): void {
  const existing = ctx.catalog.get(target.db, target.coll);
  const coll = ctx.catalog.ensure(target.db, target.coll, ctx.pending);
  for (const doc of [...(existing?.docs.values() ?? [])]) {
    ctx.catalog.record({ op: 'delete', db: target.db, coll: target.coll, id: doc._id }, ctx.pending);
  }
  for (const result of results) {
    const doc = Object.prototype.hasOwnProperty.call(result, '_id') ? result : { _id: new ObjectId(), ...result };
    coll.checkUnique(doc);
    ctx.catalog.record({ op: 'put', db: target.db, coll: target.coll, doc }, ctx.pending);
  }
}

export const readCommands: CommandTable = { find, getMore, killCursors, count, distinct, aggregate };
