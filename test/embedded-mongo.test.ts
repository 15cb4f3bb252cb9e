import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BSON, Decimal128, Long, MongoClient, MongoServerError, ObjectId, type Db } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../server/core/embedded-mongo';
import { crc32c } from '../server/core/embedded-mongo/wire-protocol';

/** Test documents use every kind of `_id`; the driver's default schema types it as ObjectId. */
type Loose = { _id?: string | number | ObjectId; [field: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Sends raw bytes and resolves with what the server answered before closing the socket. */
function rawExchange(port: number, payload: Buffer): Promise<{ closed: boolean; received: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve({ closed: true, received: Buffer.concat(chunks) }));
    socket.on('connect', () => socket.write(payload));
  });
}

/** One framed OP_MSG request; used to exercise the wire format without a driver. */
function opMsg(requestId: number, body: object, sequences: Array<[string, object[]]> = [], flags = 0): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const [identifier, docs] of sequences) {
    const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs.map((d) => Buffer.from(BSON.serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const sections = Buffer.concat(parts);
  const header = Buffer.alloc(20);
  header.writeInt32LE(20 + sections.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12);
  header.writeUInt32LE(flags, 16);
  return Buffer.concat([header, sections]);
}

function readReply(port: number, request: Buffer): Promise<{ responseTo: number; opCode: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let buffer = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length < 4 || buffer.length < buffer.readInt32LE(0)) return;
      const opCode = buffer.readInt32LE(12);
      const docOffset = opCode === 1 ? 36 : 21;
      socket.destroy();
      resolve({ responseTo: buffer.readInt32LE(8), opCode, body: BSON.deserialize(buffer.subarray(docOffset)) });
    });
  });
}

function legacyIsMaster(requestId: number): Buffer {
  const query = Buffer.from(BSON.serialize({ isMaster: 1, helloOk: true }));
  const name = Buffer.from('admin.$cmd\0');
  const fixed = Buffer.alloc(8);
  fixed.writeInt32LE(0, 0);
  fixed.writeInt32LE(-1, 4);
  const header = Buffer.alloc(20);
  header.writeInt32LE(20 + name.length + 8 + query.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(2004, 12);
  return Buffer.concat([header, name, fixed, query]);
}

describe('embedded MongoDB server (official driver conformance)', function () {
  this.timeout(60_000);
  let dir: string;
  let mongo: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rongtong-embedded-mongo-'));
    mongo = await startEmbeddedMongo({ dir, ttlMonitorIntervalMs: 100 });
    client = await MongoClient.connect(mongo.uri, { maxPoolSize: 120 });
    db = client.db('conformance');
  });

  after(async () => {
    await client?.close();
    await mongo?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('handshake and wire protocol', () => {
    it('answers hello as a standalone server without compression', async () => {
      const hello = await db.admin().command({ hello: 1, helloOk: true, compression: ['zstd', 'zlib'] });
      assert.equal(hello.isWritablePrimary, true);
      assert.equal(hello.ismaster, true);
      assert.equal(hello.setName, undefined);
      assert.equal(hello.compression, undefined);
      assert.equal(hello.helloOk, true);
      assert.equal(hello.minWireVersion, 0);
      assert.ok(hello.maxWireVersion >= 9);
      assert.equal(hello.maxBsonObjectSize, 16 * 1024 * 1024);
      assert.equal(hello.maxMessageSizeBytes, 48_000_000);
      assert.equal(hello.maxWriteBatchSize, 100_000);
      assert.equal(hello.logicalSessionTimeoutMinutes, 30);
      assert.equal(typeof hello.connectionId, 'number');
      assert.ok(hello.localTime instanceof Date);
      const legacy = await db.admin().command({ isMaster: 1 });
      assert.equal(legacy.ismaster, true);
    });

    it('answers a legacy OP_QUERY isMaster with OP_REPLY framed to the request', async () => {
      const reply = await readReply(mongo.port, legacyIsMaster(4242));
      assert.equal(reply.opCode, 1);
      assert.equal(reply.responseTo, 4242);
      assert.equal(reply.body.ismaster, true);
      assert.equal(reply.body.helloOk, true);
    });

    it('accepts OP_MSG document sequences and replies with responseTo set', async () => {
      const request = opMsg(777, { insert: 'sequences', $db: 'conformance' }, [['documents', [{ _id: 1 }, { _id: 2 }]]]);
      const reply = await readReply(mongo.port, request);
      assert.equal(reply.opCode, 2013);
      assert.equal(reply.responseTo, 777);
      assert.equal(reply.body.n, 2);
      assert.equal(await db.collection<Loose>('sequences').countDocuments(), 2);
    });

    it('verifies the OP_MSG CRC-32C checksum when present', async () => {
      const unsigned = opMsg(9, { ping: 1, $db: 'admin' }, [], 1);
      const withRoom = Buffer.concat([unsigned, Buffer.alloc(4)]);
      withRoom.writeInt32LE(withRoom.length, 0);
      withRoom.writeUInt32LE(crc32c(withRoom.subarray(0, withRoom.length - 4)), withRoom.length - 4);
      const reply = await readReply(mongo.port, withRoom);
      assert.equal(reply.body.ok, 1);
      withRoom.writeUInt32LE(12345, withRoom.length - 4);
      const bad = await rawExchange(mongo.port, withRoom);
      assert.equal(bad.closed, true);
      assert.equal(bad.received.length, 0);
    });

    it('applies moreToCome (w:0) writes without replying', async () => {
      await db.collection<Loose>('unacked').insertOne({ _id: 'fire-and-forget' }, { writeConcern: { w: 0 } });
      // The next command on the pool runs after it on the same ordered connection or sees the applied write.
      let found = null;
      for (let i = 0; i < 50 && found === null; i++) found = await db.collection<Loose>('unacked').findOne({ _id: 'fire-and-forget' });
      assert.deepEqual(found, { _id: 'fire-and-forget' });
    });

    it('closes a connection that sends garbage while other clients keep working', async () => {
      const garbage = await rawExchange(mongo.port, Buffer.from('this is not a mongodb message at all'));
      assert.equal(garbage.closed, true);
      const tiny = Buffer.alloc(8);
      tiny.writeInt32LE(8, 0);
      assert.equal((await rawExchange(mongo.port, tiny)).closed, true);
      const huge = Buffer.alloc(16);
      huge.writeInt32LE(60_000_000, 0);
      assert.equal((await rawExchange(mongo.port, huge)).closed, true);
      const badOpcode = opMsg(1, { ping: 1 });
      badOpcode.writeInt32LE(9999, 12);
      assert.equal((await rawExchange(mongo.port, badOpcode)).closed, true);
      const badBson = opMsg(1, { ping: 1, $db: 'admin' });
      badBson.writeInt32LE(3, 21);
      assert.equal((await rawExchange(mongo.port, badBson)).closed, true);
      assert.deepEqual(await db.command({ ping: 1 }), { ok: 1 });
    });

    it('reports unknown commands with code 59', async () => {
      await assert.rejects(db.command({ frobnicate: 1 }), (error: MongoServerError) => {
        assert.equal(error.code, 59);
        assert.equal(error.codeName, 'CommandNotFound');
        assert.equal(error.message, "no such command: 'frobnicate'");
        return true;
      });
    });

    it('refuses transactions like a standalone mongod', async () => {
      const session = client.startSession();
      try {
        session.startTransaction();
        await assert.rejects(db.collection<Loose>('txn').insertOne({ a: 1 }, { session }), /Transaction numbers are only allowed on a replica set member or mongos|does not support retryable writes/);
      } finally {
        await session.endSession();
      }
      await assert.rejects(db.command({ find: 'txn', txnNumber: Long.fromNumber(1), autocommit: false, startTransaction: true }), (error: MongoServerError) => {
        assert.equal(error.code, 20);
        assert.equal(error.codeName, 'IllegalOperation');
        return true;
      });
    });

    it('answers buildInfo, ping, serverStatus, connectionStatus, hostInfo and endSessions', async () => {
      const info = await db.admin().command({ buildInfo: 1 });
      assert.match(info.version, /^7\./);
      assert.deepEqual(await db.admin().command({ ping: 1 }), { ok: 1 });
      assert.equal((await db.admin().command({ serverStatus: 1 })).ok, 1);
      assert.equal((await db.admin().command({ connectionStatus: 1 })).ok, 1);
      assert.equal((await db.admin().command({ hostInfo: 1 })).ok, 1);
      assert.equal((await db.admin().command({ endSessions: [] })).ok, 1);
    });
  });

  describe('databases and collections', () => {
    it('creates, lists, renames and drops collections and databases', async () => {
      const other = client.db('catalog');
      await other.createCollection('alpha');
      await assert.rejects(other.createCollection('alpha', { capped: true, size: 1024 }), (e: MongoServerError) => e.code === 48);
      await other.collection<Loose>('beta').insertOne({ x: 1 });
      const names = (await other.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
      assert.deepEqual(names, ['alpha', 'beta']);
      const filtered = await other.listCollections({ name: 'beta' }).toArray();
      assert.equal(filtered.length, 1);
      assert.equal(filtered[0].type, 'collection');
      assert.deepEqual((filtered[0] as Loose).idIndex.key, { _id: 1 });
      const dbs = await client.db().admin().listDatabases();
      assert.ok(dbs.databases.some((d) => d.name === 'catalog'));
      await other.collection<Loose>('beta').rename('gamma');
      assert.deepEqual(await other.collection<Loose>('gamma').find({}, { projection: { _id: 0 } }).toArray(), [{ x: 1 }]);
      assert.equal(await other.collection<Loose>('alpha').drop(), true);
      assert.deepEqual((await other.listCollections().toArray()).map((c) => c.name), ['gamma']);
      await other.dropDatabase();
      assert.deepEqual(await other.listCollections().toArray(), []);
      const stats = await db.command({ dbStats: 1 });
      assert.equal(stats.ok, 1);
    });
  });

  describe('CRUD', () => {
    it('inserts with generated ObjectIds and finds by ObjectId, $in and nested fields', async () => {
      const coll = db.collection<Loose>('people');
      const result = await coll.insertMany([
        { name: 'ann', age: 31, address: { city: 'Oslo' }, tags: ['a', 'b'] },
        { name: 'bob', age: 25, address: { city: 'Rome' }, tags: ['b'] },
        { name: 'cy', age: 40, address: { city: 'Oslo' }, tags: [] },
      ]);
      const ids = Object.values(result.insertedIds);
      assert.ok(ids[0] instanceof ObjectId);
      assert.equal((await coll.findOne({ _id: new ObjectId(String(ids[1])) }))?.name, 'bob');
      assert.deepEqual((await coll.find({ _id: { $in: [ids[0], ids[2]] } }).toArray()).map((d) => d.name), ['ann', 'cy']);
      assert.deepEqual((await coll.find({ 'address.city': 'Oslo' }).toArray()).map((d) => d.name), ['ann', 'cy']);
      assert.deepEqual((await coll.find({ tags: 'b' }).toArray()).map((d) => d.name), ['ann', 'bob']);
      assert.deepEqual((await coll.find({ age: { $gt: 26, $lt: 41 }, name: { $ne: 'cy' } }).toArray()).map((d) => d.name), ['ann']);
      assert.deepEqual((await coll.find({ $or: [{ name: /^a/ }, { age: { $gte: 40 } }] }).toArray()).map((d) => d.name), ['ann', 'cy']);
      assert.deepEqual((await coll.find({ tags: { $size: 0 } }).toArray()).map((d) => d.name), ['cy']);
      assert.deepEqual((await coll.find({ nickname: { $exists: false }, name: { $nin: ['ann'] } }).toArray()).map((d) => d.name), ['bob', 'cy']);
      const doc = await coll.findOne({ name: 'ann' });
      assert.equal(Object.keys(doc ?? {})[0], '_id');
    });

    it('sorts, skips, limits, projects and counts', async () => {
      const coll = db.collection<Loose>('numbers');
      await coll.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i, n: i % 5, label: `n${i}` })));
      const page = await coll.find({}, { sort: { n: -1, _id: 1 }, skip: 2, limit: 3, projection: { label: 0 } }).toArray();
      assert.deepEqual(page, [{ _id: 14, n: 4 }, { _id: 19, n: 4 }, { _id: 3, n: 3 }]);
      const included = await coll.find({ n: 1 }, { projection: { label: 1, _id: 0 } }).toArray();
      assert.deepEqual(included, [{ label: 'n1' }, { label: 'n6' }, { label: 'n11' }, { label: 'n16' }]);
      assert.equal(await coll.countDocuments({ n: { $lte: 1 } }), 8);
      assert.equal(await coll.estimatedDocumentCount(), 20);
      assert.equal((await db.command({ count: 'numbers', query: { n: 2 }, limit: 3 })).n, 3);
      const single = await db.command({ find: 'numbers', filter: {}, limit: -3 });
      assert.equal(single.cursor.firstBatch.length, 3);
      assert.equal(Number(single.cursor.id), 0);
      const batch = await db.command({ find: 'numbers', filter: {}, batchSize: 5 });
      assert.equal(batch.cursor.firstBatch.length, 5);
      assert.notEqual(Number(batch.cursor.id), 0);
      const more = await db.command({ getMore: batch.cursor.id, collection: 'numbers', batchSize: 100 });
      assert.equal(more.cursor.nextBatch.length, 15);
      assert.equal(Number(more.cursor.id), 0);
    });

    it('finds by _id with a projection, $eq, a one-element $in and numeric equality across types', async () => {
      const coll = db.collection<Loose>('byId');
      await coll.insertMany([{ _id: 1, a: 1, b: 2 }, { _id: 'one', a: 3 }]);
      assert.deepEqual(await coll.findOne({ _id: new BSON.Double(1) }, { projection: { b: 0 } }), { _id: 1, a: 1 });
      assert.deepEqual(await coll.findOne({ _id: Long.fromNumber(1) }), { _id: 1, a: 1, b: 2 });
      assert.deepEqual(await coll.findOne({ _id: { $eq: 'one' } }), { _id: 'one', a: 3 });
      assert.deepEqual(await coll.find({ _id: { $in: [1] } }).toArray(), [{ _id: 1, a: 1, b: 2 }]);
      assert.equal(await coll.findOne({ _id: 'missing' }), null);
      const empty = await db.command({ find: 'byId', filter: { _id: 1 }, batchSize: 0 });
      assert.deepEqual(empty.cursor.firstBatch, []);
      assert.notEqual(Number(empty.cursor.id), 0);
    });

    it('returns the same page from a limited sort as from sorting everything, ties in insertion order', async () => {
      const coll = db.collection<Loose>('ties');
      const docs = Array.from({ length: 200 }, (_, i) => ({ _id: i, n: (i * 7) % 4 }));
      await coll.insertMany(docs);
      for (const direction of [1, -1] as const) {
        const page = await coll.find({}, { sort: { n: direction }, skip: 45, limit: 10 }).toArray();
        // Array.prototype.sort is stable, so this is the natural order within each tie.
        const expected = [...docs].sort((a, b) => (a.n - b.n) * direction).slice(45, 55);
        assert.deepEqual(page, expected);
      }
    });

    it('pages a cursor over 10 000 documents with getMore and kills cursors', async () => {
      const coll = db.collection<Loose>('big');
      await coll.insertMany(Array.from({ length: 10_000 }, (_, i) => ({ i })));
      let seen = 0;
      let last = -1;
      for await (const doc of coll.find({}, { sort: { i: 1 }, batchSize: 500 })) {
        assert.equal(doc.i, last + 1);
        last = doc.i;
        seen += 1;
      }
      assert.equal(seen, 10_000);
      const first = await db.command({ find: 'big', filter: {} });
      assert.equal(first.cursor.firstBatch.length, 101);
      const killed = await db.command({ killCursors: 'big', cursors: [first.cursor.id, Long.fromNumber(123)] });
      assert.deepEqual(killed.cursorsKilled.map(Number), [Number(first.cursor.id)]);
      assert.deepEqual(killed.cursorsNotFound.map(Number), [123]);
      await assert.rejects(db.command({ getMore: first.cursor.id, collection: 'big' }), (e: MongoServerError) => e.code === 43);
    });

    it('updates with operators, multi, no-op detection, arrayFilters and positional $', async () => {
      interface Updatable {
        _id: number;
        qty?: number;
        quantity?: number;
        items?: Array<{ k: string; v: number }>;
        scores?: number[];
        tags?: string[];
        touched?: Date;
        low?: number;
        high?: number;
        fresh?: boolean;
        a?: number;
      }
      const coll = db.collection<Updatable>('updates');
      await coll.insertMany([
        { _id: 1, qty: 5, items: [{ k: 'a', v: 1 }, { k: 'b', v: 2 }], scores: [1, 5, 9] },
        { _id: 2, qty: 5, items: [], scores: [] },
      ]);
      const same = await coll.updateOne({ _id: 1 }, { $set: { qty: 5 } });
      assert.equal(same.matchedCount, 1);
      assert.equal(same.modifiedCount, 0);
      const many = await coll.updateMany({ qty: 5 }, { $inc: { qty: 1 }, $currentDate: { touched: true } });
      assert.equal(many.modifiedCount, 2);
      await coll.updateOne({ _id: 1 }, { $set: { 'scores.$[big]': 0 } }, { arrayFilters: [{ big: { $gt: 4 } }] });
      await coll.updateOne({ _id: 1, 'items.k': 'b' }, { $set: { 'items.$.v': 20 } });
      await coll.updateOne({ _id: 1 }, { $push: { scores: { $each: [7, 3], $sort: 1 } }, $unset: { touched: '' } });
      await coll.updateOne({ _id: 1 }, { $addToSet: { tags: { $each: ['x', 'x', 'y'] } }, $rename: { qty: 'quantity' } });
      await coll.updateOne({ _id: 1 }, { $pull: { scores: 0 }, $min: { low: 3 }, $max: { high: 8 }, $mul: { quantity: 2 } });
      const doc = await coll.findOne({ _id: 1 });
      assert.deepEqual(doc, { _id: 1, items: [{ k: 'a', v: 1 }, { k: 'b', v: 20 }], scores: [1, 3, 7], tags: ['x', 'y'], quantity: 12, low: 3, high: 8 });
      const replaced = await coll.replaceOne({ _id: 2 }, { fresh: true });
      assert.equal(replaced.modifiedCount, 1);
      assert.deepEqual(await coll.findOne({ _id: 2 }), { _id: 2, fresh: true });
      await assert.rejects(coll.updateOne({ _id: 2 }, { $set: { _id: 3 } }), (e: MongoServerError) => e.code === 66);
      const untyped = db.collection<Loose>('updates');
      await assert.rejects(untyped.replaceOne({ _id: 2 }, { _id: 4, fresh: false }), (e: MongoServerError) => e.code === 66);
      await assert.rejects(untyped.updateOne({ _id: 2 }, { $inc: { fresh: 1 } }), (e: MongoServerError) => e.code === 14);
      await assert.rejects(coll.updateOne({ _id: 2 }, { $set: { a: 1 }, $inc: { a: 1 } }), (e: MongoServerError) => e.code === 40);
      await assert.rejects(db.command({ update: 'updates', updates: [{ q: {}, u: { $bogus: { a: 1 } } }] }).then((r) => {
        if (r.writeErrors) throw Object.assign(new Error(r.writeErrors[0].errmsg), { code: r.writeErrors[0].code });
      }), (e: { code: number }) => e.code === 9);
    });

    it('supports pipeline-style updates', async () => {
      const coll = db.collection<Loose>('pipelineUpdates');
      await coll.insertOne({ _id: 1, a: 2, b: 3 });
      await coll.updateOne({ _id: 1 }, [{ $set: { sum: { $add: ['$a', '$b'] } } }, { $unset: 'b' }]);
      assert.deepEqual(await coll.findOne({ _id: 1 }), { _id: 1, a: 2, sum: 5 });
    });

    it('upserts from equality filters with $setOnInsert and reports upserted ids', async () => {
      const coll = db.collection<Loose>('upserts');
      const first = await coll.updateOne({ sku: 'x1', 'meta.region': 'eu', qty: { $gt: 0 } }, { $set: { price: 10 }, $setOnInsert: { created: 'now' } }, { upsert: true });
      assert.equal(first.upsertedCount, 1);
      assert.ok(first.upsertedId instanceof ObjectId);
      const inserted = await coll.findOne({ _id: first.upsertedId! });
      assert.deepEqual(inserted, { _id: first.upsertedId, sku: 'x1', meta: { region: 'eu' }, price: 10, created: 'now' });
      const second = await coll.updateOne({ sku: 'x1' }, { $set: { price: 11 }, $setOnInsert: { created: 'later' } }, { upsert: true });
      assert.equal(second.upsertedCount, 0);
      assert.equal(second.modifiedCount, 1);
      assert.equal((await coll.findOne({ sku: 'x1' }))?.created, 'now');
      const raw = await db.command({ update: 'upserts', updates: [{ q: { _id: 'fixed' }, u: { v: 1 }, upsert: true }, { q: { _id: 'fixed' }, u: { $set: { v: 1 } }, upsert: true }] });
      assert.deepEqual(raw, { n: 2, nModified: 0, upserted: [{ index: 0, _id: 'fixed' }], ok: 1 });
    });

    it('deletes one or many', async () => {
      const coll = db.collection<Loose>('deletes');
      await coll.insertMany([{ g: 1 }, { g: 1 }, { g: 2 }, { g: 2 }]);
      assert.equal((await coll.deleteOne({ g: 1 })).deletedCount, 1);
      assert.equal((await coll.deleteMany({ g: 2 })).deletedCount, 2);
      assert.equal(await coll.countDocuments(), 1);
      await assert.rejects(db.command({ delete: 'deletes', deletes: [{ q: {}, limit: 5 }] }).then((r) => {
        if (r.writeErrors) throw new Error(r.writeErrors[0].errmsg);
      }));
    });

    it('findOneAndUpdate/Replace/Delete return before and after images', async () => {
      const coll = db.collection<Loose>('fam');
      await coll.insertMany([{ _id: 1, n: 1, tag: 'a' }, { _id: 2, n: 2, tag: 'a' }]);
      const before = await coll.findOneAndUpdate({ tag: 'a' }, { $inc: { n: 10 } }, { sort: { n: -1 }, returnDocument: 'before', includeResultMetadata: true });
      assert.deepEqual(before.value, { _id: 2, n: 2, tag: 'a' });
      assert.deepEqual(before.lastErrorObject, { n: 1, updatedExisting: true });
      const after = await coll.findOneAndUpdate({ _id: 1 }, { $set: { x: 1 } }, { returnDocument: 'after', projection: { tag: 0 } });
      assert.deepEqual(after, { _id: 1, n: 1, x: 1 });
      const upserted = await coll.findOneAndUpdate({ _id: 3 }, { $set: { n: 3 } }, { upsert: true, returnDocument: 'after', includeResultMetadata: true });
      assert.deepEqual(upserted.value, { _id: 3, n: 3 });
      assert.deepEqual(upserted.lastErrorObject, { n: 1, updatedExisting: false, upserted: 3 });
      const missing = await coll.findOneAndUpdate({ _id: 99 }, { $set: { n: 1 } }, { includeResultMetadata: true });
      assert.equal(missing.value, null);
      assert.deepEqual(await coll.findOneAndReplace({ _id: 3 }, { n: 33 }, { returnDocument: 'after' }), { _id: 3, n: 33 });
      assert.deepEqual(await coll.findOneAndDelete({ _id: 3 }), { _id: 3, n: 33 });
      assert.equal(await coll.countDocuments({ _id: 3 }), 0);
      const arrays = await coll.findOneAndUpdate({ _id: 1 }, { $set: { list: [1, 5, 9] } }, { returnDocument: 'after' });
      assert.deepEqual(arrays?.list, [1, 5, 9]);
      const filtered = await coll.findOneAndUpdate({ _id: 1 }, { $inc: { 'list.$[e]': 100 } }, { arrayFilters: [{ e: { $gte: 5 } }], returnDocument: 'after' });
      assert.deepEqual(filtered?.list, [1, 105, 109]);
    });

    it('serves distinct with array flattening and BSON-aware de-duplication', async () => {
      const coll = db.collection<Loose>('distinct');
      const oid = new ObjectId();
      await coll.insertMany([{ v: 1 }, { v: 1.0 }, { v: Long.fromNumber(1) }, { v: [2, 3] }, { v: 'x' }, { v: oid }, { v: new ObjectId(oid.toHexString()) }, {}]);
      const values = await coll.distinct('v');
      assert.equal(values.length, 5);
      assert.deepEqual(values.slice(0, 4), [1, 2, 3, 'x']);
      assert.ok(values[4] instanceof ObjectId && values[4].equals(oid));
    });

    it('round-trips a ~1 MB document', async () => {
      const coll = db.collection<Loose>('large');
      const blob = 'x'.repeat(1024 * 1024);
      const nested = Array.from({ length: 100 }, (_, i) => ({ i, s: `item-${i}` }));
      await coll.insertOne({ _id: 'big', blob, nested });
      const doc = await coll.findOne({ _id: 'big' });
      assert.equal(doc?.blob.length, blob.length);
      assert.deepEqual(doc?.nested, nested);
    });
  });

  describe('BSON type semantics', () => {
    it('compares numbers across int, long, double and decimal', async () => {
      const coll = db.collection<Loose>('numeric');
      await coll.insertMany([
        { _id: 'int', v: 5 },
        { _id: 'double', v: 5.5 },
        { _id: 'long', v: Long.fromNumber(7) },
        { _id: 'decimal', v: Decimal128.fromString('6.25') },
        { _id: 'string', v: '5' },
      ]);
      assert.deepEqual((await coll.find({ v: { $gte: 5.5 } }).sort({ v: 1 }).toArray()).map((d) => d._id), ['double', 'decimal', 'long']);
      assert.deepEqual((await coll.find({ v: 7 }).toArray()).map((d) => d._id), ['long']);
      assert.deepEqual((await coll.find({ v: { $in: [Long.fromNumber(5), '5'] } }).toArray()).map((d) => d._id), ['int', 'string']);
      assert.deepEqual((await coll.find({ v: { $type: 'long' } }).toArray()).map((d) => d._id), ['long']);
      assert.deepEqual((await coll.find({ v: { $type: 'number' } }).toArray()).map((d) => d._id).sort(), ['decimal', 'double', 'int', 'long']);
      assert.deepEqual((await coll.find({ v: { $type: 'string' } }).toArray()).map((d) => d._id), ['string']);
    });

    it('keeps Long through $inc and widens int32 overflow to long', async () => {
      const coll = db.collection<Loose>('inc');
      await coll.insertOne({ _id: 1, l: Long.fromString('9007199254740993'), i: 2147483647, d: 1.5 });
      await coll.updateOne({ _id: 1 }, { $inc: { l: 2, i: 1, d: 1 } });
      const doc = await client.db('conformance').collection<Loose>('inc').findOne({ _id: 1 }, { promoteLongs: false });
      assert.ok(doc?.l instanceof Long);
      assert.equal(doc?.l.toString(), '9007199254740995');
      assert.ok(doc?.i instanceof Long);
      assert.equal(doc?.i.toString(), '2147483648');
      assert.equal(doc?.d, 2.5);
    });

    it('sorts mixed types in MongoDB order', async () => {
      const coll = db.collection<Loose>('mixed');
      const oid = new ObjectId();
      const date = new Date(0);
      await coll.insertMany([
        { _id: 1, v: true },
        { _id: 2, v: 'b' },
        { _id: 3, v: 10 },
        { _id: 4, v: null },
        { _id: 5, v: { a: 1 } },
        { _id: 6, v: [0, 20] },
        { _id: 7, v: oid },
        { _id: 8, v: date },
        { _id: 9 },
        { _id: 10, v: Long.fromNumber(2) },
      ]);
      const order = (await coll.find().sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id);
      // null and missing first, then numbers (array sorts by its minimum 0), strings, objects, ObjectId, bool, date.
      assert.deepEqual(order, [4, 9, 6, 10, 3, 2, 5, 7, 1, 8]);
    });

    it('joins on ObjectId in $lookup and groups by ObjectId', async () => {
      const authors = db.collection<Loose>('authors');
      const posts = db.collection<Loose>('posts');
      const a1 = new ObjectId();
      const a2 = new ObjectId();
      await authors.insertMany([{ _id: a1, name: 'ann' }, { _id: a2, name: 'bob' }]);
      await posts.insertMany([{ author: a1, t: 1 }, { author: new ObjectId(a1.toHexString()), t: 2 }, { author: a2, t: 3 }]);
      const joined = await posts.aggregate([{ $lookup: { from: 'authors', localField: 'author', foreignField: '_id', as: 'who' } }, { $sort: { t: 1 } }]).toArray();
      assert.deepEqual(joined.map((p) => p.who[0].name), ['ann', 'ann', 'bob']);
      const grouped = await posts.aggregate([{ $group: { _id: '$author', n: { $sum: 1 } } }, { $sort: { n: -1 } }]).toArray();
      assert.equal(grouped.length, 2);
      assert.ok(grouped[0]._id.equals(a1));
      assert.equal(grouped[0].n, 2);
    });
  });

  describe('aggregation', () => {
    before(async () => {
      await db.collection<Loose>('sales').insertMany([
        { _id: 1, item: 'apple', qty: 5, price: 2, tags: ['fruit', 'red'], store: 's1' },
        { _id: 2, item: 'pear', qty: 3, price: 3, tags: ['fruit'], store: 's1' },
        { _id: 3, item: 'kale', qty: 10, price: 1, tags: ['veg', 'green'], store: 's2' },
        { _id: 4, item: 'apple', qty: 1, price: 2, tags: ['fruit', 'red'], store: 's2' },
      ]);
      await db.collection<Loose>('stores').insertMany([{ _id: 's1', city: 'Oslo' }, { _id: 's2', city: 'Rome' }]);
    });

    const run = (pipeline: object[]) => db.collection<Loose>('sales').aggregate(pipeline as Loose[]).toArray();

    it('runs $match $group $sort $limit $skip $project', async () => {
      const out = await run([
        { $match: { tags: 'fruit' } },
        { $group: { _id: '$item', total: { $sum: { $multiply: ['$qty', '$price'] } }, count: { $sum: 1 } } },
        { $sort: { total: -1 } },
        { $skip: 0 },
        { $limit: 5 },
        { $project: { _id: 0, item: '$_id', total: 1 } },
      ]);
      assert.deepEqual(out, [{ total: 12, item: 'apple' }, { total: 9, item: 'pear' }]);
    });

    it('runs $addFields $set $unset $unwind $count $sortByCount $replaceRoot', async () => {
      const added = await run([{ $addFields: { value: { $multiply: ['$qty', '$price'] } } }, { $set: { one: 1 } }, { $unset: ['tags', 'store'] }, { $match: { _id: 1 } }]);
      assert.deepEqual(added, [{ _id: 1, item: 'apple', qty: 5, price: 2, value: 10, one: 1 }]);
      const unwound = await run([{ $unwind: '$tags' }, { $count: 'tagged' }]);
      assert.deepEqual(unwound, [{ tagged: 7 }]);
      const byTag = await run([{ $unwind: '$tags' }, { $sortByCount: '$tags' }, { $limit: 1 }]);
      assert.deepEqual(byTag, [{ _id: 'fruit', count: 3 }]);
      const roots = await run([{ $match: { _id: 2 } }, { $replaceRoot: { newRoot: { name: '$item' } } }]);
      assert.deepEqual(roots, [{ name: 'pear' }]);
    });

    it('runs $lookup and $facet', async () => {
      const joined = await run([{ $match: { _id: 3 } }, { $lookup: { from: 'stores', localField: 'store', foreignField: '_id', as: 'where' } }, { $project: { city: { $first: '$where.city' } } }]);
      assert.deepEqual(joined, [{ _id: 3, city: 'Rome' }]);
      const [facets] = await run([{ $facet: { cheap: [{ $match: { price: { $lte: 2 } } }, { $count: 'n' }], stores: [{ $group: { _id: '$store' } }, { $sort: { _id: 1 } }] } }]);
      assert.deepEqual(facets, { cheap: [{ n: 3 }], stores: [{ _id: 's1' }, { _id: 's2' }] });
    });

    it('returns aggregation results through a cursor with getMore', async () => {
      const docs = await db.collection<Loose>('big').aggregate([{ $match: { i: { $lt: 300 } } }, { $project: { _id: 0, i: 1 } }], { batchSize: 50 }).toArray();
      assert.equal(docs.length, 300);
    });

    it('writes $out into a collection', async () => {
      await run([{ $group: { _id: '$store', qty: { $sum: '$qty' } } }, { $out: 'storeTotals' }]);
      assert.deepEqual(await db.collection<Loose>('storeTotals').find().sort({ _id: 1 }).toArray(), [{ _id: 's1', qty: 8 }, { _id: 's2', qty: 11 }]);
    });
  });

  describe('indexes', () => {
    it('enforces unique indexes on insert, update, upsert and findAndModify', async () => {
      const users = db.collection<Loose>('users');
      assert.equal(await users.createIndex({ email: 1 }, { unique: true }), 'email_1');
      await users.insertOne({ _id: 1, email: 'a' });
      await assert.rejects(users.insertOne({ _id: 2, email: 'a' }), (e: MongoServerError) => {
        assert.equal(e.code, 11000);
        assert.equal(e.message, 'E11000 duplicate key error collection: conformance.users index: email_1 dup key: { email: "a" }');
        assert.deepEqual(e.keyPattern, { email: 1 });
        assert.deepEqual(e.keyValue, { email: 'a' });
        return true;
      });
      await users.insertOne({ _id: 2, email: 'b' });
      await assert.rejects(users.updateOne({ _id: 2 }, { $set: { email: 'a' } }), (e: MongoServerError) => e.code === 11000);
      await assert.rejects(users.updateOne({ email: 'zzz' }, { $set: { email: 'a' } }, { upsert: true }), (e: MongoServerError) => e.code === 11000);
      await assert.rejects(users.findOneAndUpdate({ _id: 2 }, { $set: { email: 'a' } }), (e: MongoServerError) => e.code === 11000);
      await assert.rejects(users.insertOne({ _id: 1, email: 'q' }), (e: MongoServerError) => e.code === 11000 && /index: _id_ dup key: \{ _id: 1 \}/.test(e.message));
      await users.updateOne({ _id: 1 }, { $set: { email: 'c' } });
      await users.insertOne({ _id: 3, email: 'a' });
    });

    it('reports each failure of an ordered:false batch and continues', async () => {
      const coll = db.collection<Loose>('batch');
      await coll.createIndex({ code: 1 }, { unique: true });
      await assert.rejects(coll.insertMany([{ code: 1 }, { code: 1 }, { code: 2 }, { code: 2 }, { code: 3 }], { ordered: false }), (e: MongoServerError & { writeErrors: Array<{ index: number; code: number }>; result: { insertedCount: number } }) => {
        assert.equal(e.code, 11000);
        const errors = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
        assert.deepEqual(errors.map((w) => w.index), [1, 3]);
        assert.equal(e.result.insertedCount, 3);
        return true;
      });
      const raw = await db.command({ insert: 'batch', documents: [{ code: 9 }, { code: 9 }, { code: 10 }], ordered: true });
      assert.equal(raw.n, 1);
      assert.equal(raw.writeErrors.length, 1);
      assert.equal(raw.writeErrors[0].index, 1);
      assert.equal(raw.writeErrors[0].code, 11000);
      assert.deepEqual(raw.writeErrors[0].keyValue, { code: 9 });
    });

    it('supports compound, sparse and partial unique indexes and refuses builds over duplicates', async () => {
      const coll = db.collection<Loose>('compound');
      await coll.createIndex({ org: 1, name: 1 }, { unique: true });
      await coll.insertMany([{ org: 1, name: 'x' }, { org: 2, name: 'x' }]);
      await assert.rejects(coll.insertOne({ org: 1, name: 'x' }), (e: MongoServerError) => {
        assert.deepEqual(e.keyValue, { org: 1, name: 'x' });
        return e.code === 11000;
      });
      const sparse = db.collection<Loose>('sparse');
      await sparse.createIndex({ nick: 1 }, { unique: true, sparse: true });
      await sparse.insertMany([{ a: 1 }, { a: 2 }, { nick: 'n' }]);
      await assert.rejects(sparse.insertOne({ nick: 'n' }), (e: MongoServerError) => e.code === 11000);
      const partial = db.collection<Loose>('partial');
      await partial.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
      await partial.insertMany([{ email: 'a', active: false }, { email: 'a', active: false }, { email: 'a', active: true }]);
      await assert.rejects(partial.insertOne({ email: 'a', active: true }), (e: MongoServerError) => e.code === 11000);
      const dupes = db.collection<Loose>('dupes');
      await dupes.insertMany([{ k: 1 }, { k: 1 }]);
      await assert.rejects(dupes.createIndex({ k: 1 }, { unique: true }), (e: MongoServerError) => e.code === 11000);
      assert.deepEqual((await dupes.indexes()).map((i) => i.name), ['_id_']);
    });

    it('lists and drops indexes by name, key and *', async () => {
      const coll = db.collection<Loose>('indexed');
      await coll.createIndexes([{ key: { a: 1 } }, { key: { b: -1 }, name: 'bee' }, { key: { c: 1, d: 1 } }]);
      assert.deepEqual((await coll.listIndexes().toArray()).map((i) => i.name), ['_id_', 'a_1', 'bee', 'c_1_d_1']);
      await coll.dropIndex('bee');
      await db.command({ dropIndexes: 'indexed', index: { a: 1 } });
      assert.deepEqual((await coll.indexes()).map((i) => i.name), ['_id_', 'c_1_d_1']);
      await coll.dropIndexes();
      assert.deepEqual((await coll.indexes()).map((i) => i.name), ['_id_']);
      await assert.rejects(coll.dropIndex('nope'), (e: MongoServerError) => e.code === 27);
      await assert.rejects(coll.dropIndex('_id_'), (e: MongoServerError) => e.code === 72);
      await assert.rejects(db.collection<Loose>('noSuchColl').indexes(), (e: MongoServerError) => e.code === 26);
      assert.equal(await coll.createIndex({ c: 1 }), 'c_1');
      assert.equal(await coll.createIndex({ c: 1 }), 'c_1');
      await assert.rejects(coll.createIndex({ z: 1 }, { name: 'c_1' }), (e: MongoServerError) => e.code === 86);
    });

    it('expires documents through a TTL index', async () => {
      const coll = db.collection<Loose>('ttl');
      await coll.createIndex({ at: 1 }, { expireAfterSeconds: 1 });
      await coll.insertMany([{ _id: 'old', at: new Date(Date.now() - 60_000) }, { _id: 'fresh', at: new Date(Date.now() + 3_600_000) }, { _id: 'nodate', at: 'soon' }]);
      let remaining = await coll.countDocuments();
      while (remaining === 3) {
        await new Promise((r) => setTimeout(r, 50));
        remaining = await coll.countDocuments();
      }
      assert.deepEqual((await coll.find().toArray()).map((d) => d._id).sort(), ['fresh', 'nodate']);
    });
  });

  describe('concurrency and hostile input', () => {
    it('applies 300 concurrent $inc on one document exactly', async () => {
      const coll = db.collection<Loose>('counter');
      await coll.insertOne({ _id: 'c', n: 0 });
      await Promise.all(Array.from({ length: 300 }, () => coll.updateOne({ _id: 'c' }, { $inc: { n: 1 } })));
      assert.equal((await coll.findOne({ _id: 'c' }))?.n, 300);
    });

    it('keeps prototype-named fields as data and never pollutes Object.prototype', async () => {
      const coll = db.collection<Loose>('hostile');
      const hostile = BSON.deserialize(BSON.serialize({ _id: 1, safe: 1, nested: { x: 1 } }));
      Object.defineProperty(hostile, '__proto__', { value: { polluted: 'yes' }, enumerable: true, configurable: true, writable: true });
      Object.defineProperty(hostile, 'constructor', { value: { prototype: { polluted: 'yes' } }, enumerable: true, configurable: true, writable: true });
      await coll.insertOne(hostile);
      const back = await coll.findOne({ _id: 1 });
      assert.equal(back?.safe, 1);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      for (const path of ['__proto__.polluted', 'constructor.prototype.polluted', 'nested.__proto__.polluted', 'prototype.polluted']) {
        await assert.rejects(coll.updateOne({ _id: 1 }, { $set: { [path]: 'yes' } }), (e: MongoServerError) => e.code === 2);
      }
      await assert.rejects(coll.updateOne({ _id: 1 }, { $rename: { safe: '__proto__' } }), (e: MongoServerError) => e.code === 2);
      await assert.rejects(coll.find({ '__proto__.polluted': 'yes' }).toArray(), (e: MongoServerError) => e.code === 2);
      await assert.rejects(coll.find({}, { projection: { '__proto__.polluted': 1 } }).toArray(), (e: MongoServerError) => e.code === 2);
      await coll.updateOne({ _id: 2, 'constructor.prototype.polluted': 'yes' }, { $set: { ok: 1 } }, { upsert: true }).catch(() => undefined);
      await coll.aggregate([{ $addFields: { __proto__: { polluted: 'yes' } } }, { $group: { _id: '$constructor.prototype', n: { $sum: 1 } } }]).toArray().catch(() => undefined);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    });
  });

  describe('durability', () => {
    it('keeps data, indexes and collection options across a restart on the same directory', async () => {
      const coll = db.collection<Loose>('persisted');
      await coll.createIndex({ key: 1 }, { unique: true });
      await coll.insertMany([{ _id: 1, key: 'a', n: Long.fromNumber(5), d: new Date(1000) }, { _id: 2, key: 'b' }]);
      await coll.updateOne({ _id: 1 }, { $inc: { n: 1 } });
      await coll.deleteOne({ _id: 2 });
      await client.close();
      await mongo.close();
      mongo = await startEmbeddedMongo({ dir, ttlMonitorIntervalMs: 100 });
      client = await MongoClient.connect(mongo.uri, { maxPoolSize: 120 });
      db = client.db('conformance');
      const reopened = db.collection<Loose>('persisted');
      assert.deepEqual(await reopened.find().toArray(), [{ _id: 1, key: 'a', n: 6, d: new Date(1000) }]);
      assert.deepEqual((await reopened.indexes()).map((i) => i.name), ['_id_', 'key_1']);
      await assert.rejects(reopened.insertOne({ key: 'a' }), (e: MongoServerError) => e.code === 11000);
      assert.equal(await db.collection<Loose>('big').countDocuments(), 10_000);
    });
  });
});
