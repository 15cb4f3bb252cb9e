import { ObjectId, type Document } from 'bson';
import { bsonTypeAlias } from '../bson-bridge';
import { arrayArg, collectionArg, documentArg } from '../command-args';
import type { CommandContext, CommandTable } from '../command.types';
import type { CollectionStore } from '../collection-store';
import { findMatches } from '../document-matcher';
import { assertNoProtoKeys } from '../field-path-guard';
import { MongoCommandError, toCommandError } from '../mongo-error';
import { projectDocuments } from '../query-engine';
import { applyUpdate, buildUpsertDocument, classifyUpdate } from '../update-engine';

function assertValidId(doc: Document): void {
  const type = bsonTypeAlias(doc._id);
  if (type === 'array' || type === 'regex' || type === 'undefined') {
    throw new MongoCommandError('InvalidIdField', `The '_id' value cannot be of type ${type}`);
  }
}

function withId(doc: Document): Document {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new MongoCommandError('TypeMismatch', 'documents to insert must be objects');
  }
  if (!Object.prototype.hasOwnProperty.call(doc, '_id')) return { _id: new ObjectId(), ...doc };
  assertValidId(doc);
  if (Object.keys(doc)[0] === '_id') return doc;
  // mongod stores `_id` first; drivers append a generated one at the end.
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

function storeNew(ctx: CommandContext, coll: CollectionStore, doc: Document): void {
  coll.checkUnique(doc);
  ctx.catalog.record({ op: 'put', db: coll.db, coll: coll.name, doc }, ctx.pending);
}

function storeReplacement(ctx: CommandContext, coll: CollectionStore, previous: Document, doc: Document): void {
  coll.checkUnique(doc, previous);
  ctx.catalog.record({ op: 'put', db: coll.db, coll: coll.name, doc }, ctx.pending);
}

function remove(ctx: CommandContext, coll: CollectionStore, doc: Document): void {
  ctx.catalog.record({ op: 'delete', db: coll.db, coll: coll.name, id: doc._id }, ctx.pending);
}

function withWriteErrors(reply: Document, writeErrors: Document[]): Document {
  return writeErrors.length > 0 ? { ...reply, writeErrors, ok: 1 } : { ...reply, ok: 1 };
}

/** Runs each statement of a batch; `ordered` stops at the first failure. */
function runBatch(statements: Document[], ordered: boolean, run: (statement: Document, index: number) => void): Document[] {
  const writeErrors: Document[] = [];
  for (let i = 0; i < statements.length; i++) {
    try {
      run(statements[i], i);
    } catch (error) {
      writeErrors.push(toCommandError(error).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function insert(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'insert');
  const documents = arrayArg(ctx.body, 'documents');
  const coll = ctx.catalog.ensure(ctx.db, name, ctx.pending);
  let n = 0;
  const writeErrors = runBatch(documents, ctx.body.ordered !== false, (doc) => {
    storeNew(ctx, coll, withId(doc));
    n += 1;
  });
  return withWriteErrors({ n }, writeErrors);
}

function update(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'update');
  const statements = arrayArg(ctx.body, 'updates');
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = runBatch(statements, ctx.body.ordered !== false, (statement, index) => {
    const filter = documentArg(statement, 'q') ?? {};
    const change = statement.u as Document | Document[];
    const arrayFilters = statement.arrayFilters as Document[] | undefined;
    assertNoProtoKeys(arrayFilters, 'arrayFilters');
    const kind = classifyUpdate(change);
    const multi = statement.multi === true;
    if (multi && kind === 'replacement') {
      throw new MongoCommandError('FailedToParse', 'multi update is not supported for replacement-style update');
    }
    const existing = ctx.catalog.get(ctx.db, name);
    const matches = findMatches(existing, filter, { sort: statement.sort, limit: multi ? 0 : 1 });
    if (matches.length === 0) {
      if (statement.upsert !== true) return;
      const doc = buildUpsertDocument(filter, change, arrayFilters);
      assertValidId(doc);
      storeNew(ctx, ctx.catalog.ensure(ctx.db, name, ctx.pending), doc);
      n += 1;
      upserted.push({ index, _id: doc._id });
      return;
    }
    for (const doc of matches) {
      const next = applyUpdate(doc, change, { filter, arrayFilters });
      n += 1;
      if (next === doc) continue;
      storeReplacement(ctx, existing!, doc, next);
      nModified += 1;
    }
  });
  const reply: Document = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  return withWriteErrors(reply, writeErrors);
}

function deleteCommand(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'delete');
  const statements = arrayArg(ctx.body, 'deletes');
  let n = 0;
  const writeErrors = runBatch(statements, ctx.body.ordered !== false, (statement) => {
    const limit = statement.limit;
    if (limit !== 0 && limit !== 1) throw new MongoCommandError('FailedToParse', 'The limit field in delete objects must be 0 or 1');
    const coll = ctx.catalog.get(ctx.db, name);
    for (const doc of findMatches(coll, documentArg(statement, 'q') ?? {}, { limit })) {
      remove(ctx, coll!, doc);
      n += 1;
    }
  });
  return withWriteErrors({ n }, writeErrors);
}

function findAndModify(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, ctx.body.findAndModify !== undefined ? 'findAndModify' : 'findandmodify');
  const filter = documentArg(ctx.body, 'query') ?? {};
  const projection = documentArg(ctx.body, 'fields') ?? documentArg(ctx.body, 'projection');
  assertNoProtoKeys(projection, 'A projection');
  const removeDoc = ctx.body.remove === true;
  const change = ctx.body.update as Document | Document[] | undefined;
  const returnNew = ctx.body.new === true;
  const arrayFilters = ctx.body.arrayFilters as Document[] | undefined;
  assertNoProtoKeys(arrayFilters, 'arrayFilters');
  if (removeDoc && change !== undefined) throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!removeDoc && change === undefined) throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
  if (removeDoc && (ctx.body.upsert === true || returnNew)) {
    throw new MongoCommandError('FailedToParse', 'Cannot specify both upsert=true and remove=true');
  }
  const project = (doc: Document | null): Document | null => (doc === null ? null : projectDocuments([doc], projection)[0]);
  const existing = ctx.catalog.get(ctx.db, name);
  const [found] = findMatches(existing, filter, { sort: documentArg(ctx.body, 'sort'), limit: 1 });

  if (removeDoc) {
    if (found === undefined) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    remove(ctx, existing!, found);
    return { lastErrorObject: { n: 1 }, value: project(found), ok: 1 };
  }
  const update = change as Document | Document[];
  classifyUpdate(update);
  if (found !== undefined) {
    const next = applyUpdate(found, update, { filter, arrayFilters });
    if (next !== found) storeReplacement(ctx, existing!, found, next);
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(returnNew ? next : found), ok: 1 };
  }
  if (ctx.body.upsert !== true) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
  const doc = buildUpsertDocument(filter, update, arrayFilters);
  assertValidId(doc);
  storeNew(ctx, ctx.catalog.ensure(ctx.db, name, ctx.pending), doc);
  return {
    lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
    value: returnNew ? project(doc) : null,
    ok: 1,
  };
}

export const writeCommands: CommandTable = {
  insert,
  update,
  delete: deleteCommand,
  findAndModify,
  findandmodify: findAndModify,
};

