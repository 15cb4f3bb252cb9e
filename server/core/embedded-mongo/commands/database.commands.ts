import { calculateObjectSize, type Document } from 'bson';
import { canonicalKey } from '../bson-bridge';
import { collectionArg, documentArg } from '../command-args';
import type { CommandContext, CommandTable } from '../command.types';
import { ID_INDEX_NAME, type CollectionStore, type IndexSpec } from '../collection-store';
import { assertNoProtoKeys } from '../field-path-guard';
import { MongoCommandError } from '../mongo-error';
import { compileFilter } from '../query-engine';

/** Generic command fields that are not collection options. */
const NON_OPTION_FIELDS = new Set([
  'create', '$db', 'lsid', '$clusterTime', 'writeConcern', 'comment', '$readPreference', 'apiVersion', 'apiStrict',
  'apiDeprecationErrors', 'maxTimeMS',
]);

function dataSize(coll: CollectionStore): number {
  let size = 0;
  for (const doc of coll.docs.values()) size += calculateObjectSize(doc);
  return size;
}

function listDatabases(ctx: CommandContext): Document {
  const filter = compileFilter(documentArg(ctx.body, 'filter'));
  const databases = ctx.catalog
    .databaseNames()
    .map((name) => {
      const sizeOnDisk = ctx.catalog.collections(name).reduce((sum, c) => sum + dataSize(c), 0);
      return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
    })
    .filter((entry) => filter(entry));
  if (ctx.body.nameOnly === true) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
  const totalSize = databases.reduce((sum, d) => sum + d.sizeOnDisk, 0);
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / 1048576), ok: 1 };
}

function listCollections(ctx: CommandContext): Document {
  const filterDoc = documentArg(ctx.body, 'filter');
  assertNoProtoKeys(filterDoc, 'A query filter');
  const filter = compileFilter(filterDoc);
  const nameOnly = ctx.body.nameOnly === true;
  const entries = ctx.catalog
    .collections(ctx.db)
    .map((coll) => ({
      name: coll.name,
      type: 'collection',
      options: { ...coll.options },
      info: { readOnly: false, uuid: coll.uuid },
      idIndex: { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME },
    }))
    .filter((entry) => filter(entry))
    .map((entry) => (nameOnly ? { name: entry.name, type: entry.type } : entry));
  const batchSize = (documentArg(ctx.body, 'cursor') ?? {}).batchSize as number | undefined;
  return ctx.cursors.open(`${ctx.db}.$cmd.listCollections`, entries, batchSize, false);
}

function create(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'create');
  const options: Document = {};
  for (const [k, v] of Object.entries(ctx.body)) if (!NON_OPTION_FIELDS.has(k)) options[k] = v;
  const existing = ctx.catalog.get(ctx.db, name);
  if (existing !== undefined) {
    if (canonicalKey(existing.options) === canonicalKey(options)) return { ok: 1 };
    throw new MongoCommandError('NamespaceExists', `Collection ${ctx.db}.${name} already exists.`);
  }
  ctx.catalog.record({ op: 'createCollection', db: ctx.db, coll: name, options }, ctx.pending);
  return { ok: 1 };
}

function drop(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'drop');
  const coll = ctx.catalog.get(ctx.db, name);
  if (coll === undefined) return { ok: 1 };
  const nIndexesWas = coll.indexes.length;
  ctx.catalog.record({ op: 'dropCollection', db: ctx.db, coll: name }, ctx.pending);
  return { nIndexesWas, ns: coll.ns, ok: 1 };
}

function dropDatabase(ctx: CommandContext): Document {
  if (ctx.catalog.collections(ctx.db).length > 0) {
    ctx.catalog.record({ op: 'dropDatabase', db: ctx.db }, ctx.pending);
  }
  return { dropped: ctx.db, ok: 1 };
}

function splitNamespace(ns: unknown, field: string): [string, string] {
  const dot = typeof ns === 'string' ? ns.indexOf('.') : -1;
  if (typeof ns !== 'string' || dot <= 0 || dot === ns.length - 1) {
    throw new MongoCommandError('InvalidNamespace', `Invalid ${field} namespace: ${String(ns)}`);
  }
  return [ns.slice(0, dot), ns.slice(dot + 1)];
}

function renameCollection(ctx: CommandContext): Document {
  if (ctx.db !== 'admin') throw new MongoCommandError('Unauthorized', 'renameCollection may only be run against the admin database.');
  const [fromDb, fromColl] = splitNamespace(ctx.body.renameCollection, 'source');
  const [toDb, toColl] = splitNamespace(ctx.body.to, 'target');
  const source = ctx.catalog.get(fromDb, fromColl);
  if (source === undefined) throw new MongoCommandError('NamespaceNotFound', `Source collection ${fromDb}.${fromColl} does not exist`);
  if (fromDb === toDb && fromColl === toColl) throw new MongoCommandError('IllegalOperation', "Can't rename a collection to itself");
  if (ctx.catalog.get(toDb, toColl) !== undefined) {
    if (ctx.body.dropTarget !== true) throw new MongoCommandError('NamespaceExists', 'target namespace exists');
    ctx.catalog.record({ op: 'dropCollection', db: toDb, coll: toColl }, ctx.pending);
  }
  ctx.catalog.record({ op: 'createCollection', db: toDb, coll: toColl, options: source.options }, ctx.pending);
  for (const spec of source.indexes) {
    if (spec.name !== ID_INDEX_NAME) ctx.catalog.record({ op: 'createIndex', db: toDb, coll: toColl, spec }, ctx.pending);
  }
  for (const doc of [...source.docs.values()]) ctx.catalog.record({ op: 'put', db: toDb, coll: toColl, doc }, ctx.pending);
  ctx.catalog.record({ op: 'dropCollection', db: fromDb, coll: fromColl }, ctx.pending);
  return { ok: 1 };
}

function collMod(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'collMod');
  const coll = ctx.catalog.get(ctx.db, name);
  if (coll === undefined) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  const reply: Document = { ok: 1 };
  const indexChange = documentArg(ctx.body, 'index');
  if (indexChange !== undefined) {
    const index = typeof indexChange.name === 'string'
      ? coll.findIndex(indexChange.name)
      : coll.indexes.find((i) => canonicalKey(i.key) === canonicalKey(indexChange.keyPattern));
    if (index === undefined) throw new MongoCommandError('IndexNotFound', 'cannot find index for collMod');
    const updated: IndexSpec = { ...index };
    for (const option of ['expireAfterSeconds', 'hidden', 'unique', 'prepareUnique']) {
      if (indexChange[option] === undefined) continue;
      reply[`${option}_old`] = index[option];
      reply[`${option}_new`] = indexChange[option];
      updated[option] = indexChange[option];
    }
    if (updated.unique === true && index.unique !== true) coll.checkIndexBuild(updated);
    ctx.catalog.record({ op: 'createIndex', db: ctx.db, coll: name, spec: updated }, ctx.pending);
  }
  const options: Document = { ...coll.options };
  let changed = false;
  for (const [k, v] of Object.entries(ctx.body)) {
    if (k === 'collMod' || k === 'index' || NON_OPTION_FIELDS.has(k)) continue;
    options[k] = v;
    changed = true;
  }
  if (changed) ctx.catalog.record({ op: 'createCollection', db: ctx.db, coll: name, options }, ctx.pending);
  return reply;
}

function dbStats(ctx: CommandContext): Document {
  const colls = ctx.catalog.collections(ctx.db);
  const objects = colls.reduce((sum, c) => sum + c.docs.size, 0);
  const size = colls.reduce((sum, c) => sum + dataSize(c), 0);
  const indexes = colls.reduce((sum, c) => sum + c.indexes.length, 0);
  return {
    db: ctx.db,
    collections: colls.length,
    views: 0,
    objects,
    avgObjSize: objects === 0 ? 0 : size / objects,
    dataSize: size,
    storageSize: size,
    indexes,
    indexSize: 0,
    totalSize: size,
    scaleFactor: 1,
    ok: 1,
  };
}

function collStats(ctx: CommandContext): Document {
  const name = collectionArg(ctx.body, 'collStats');
  const coll = ctx.catalog.get(ctx.db, name);
  if (coll === undefined) throw new MongoCommandError('NamespaceNotFound', `Collection [${ctx.db}.${name}] not found.`);
  const size = dataSize(coll);
  return {
    ns: coll.ns,
    count: coll.docs.size,
    size,
    avgObjSize: coll.docs.size === 0 ? 0 : size / coll.docs.size,
    storageSize: size,
    nindexes: coll.indexes.length,
    indexSizes: Object.fromEntries(coll.indexes.map((i) => [i.name, 0])),
    totalIndexSize: 0,
    totalSize: size,
    scaleFactor: 1,
    ok: 1,
  };
}

export const databaseCommands: CommandTable = {
  listDatabases,
  listCollections,
  create,
  drop,
  dropDatabase,
  renameCollection,
  collMod,
  dbStats,
  dbstats: dbStats,
  collStats,
  collstats: collStats,
};
