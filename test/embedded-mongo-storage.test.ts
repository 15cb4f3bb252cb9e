import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Binary, Decimal128, Double, EJSON, Int32, Long, ObjectId, serialize, type Document } from 'bson';
import { measureDiskLimit } from '../bench/disk-limit';
import { createFileStorage, type Storage, type StoreMutation } from '../server/core/embedded-mongo/storage';

const repoRoot = resolve(__dirname, '..');

/** Canonical EJSON compares values at the BSON-type level (Int32 vs Double etc.). */
function canonical(value: unknown): string {
  return EJSON.stringify(value, { relaxed: false });
}

interface CollectionState {
  options: Document;
  indexes: Map<string, Document>;
  docs: Map<string, Document>;
}

/** A minimal engine stand-in: the state a sequence of mutations describes. */
class Model {
  readonly dbs = new Map<string, Map<string, CollectionState>>();

  apply(mutation: StoreMutation): void {
    switch (mutation.op) {
      case 'createCollection':
        this.collection(mutation.db, mutation.coll, mutation.options);
        break;
      case 'dropCollection':
        this.dbs.get(mutation.db)?.delete(mutation.coll);
        break;
      case 'dropDatabase':
        this.dbs.delete(mutation.db);
        break;
      case 'createIndex':
        this.collection(mutation.db, mutation.coll).indexes.set(String(mutation.spec.name), mutation.spec);
        break;
      case 'dropIndex':
        this.collection(mutation.db, mutation.coll).indexes.delete(mutation.name);
        break;
      case 'put':
        this.collection(mutation.db, mutation.coll).docs.set(canonical(mutation.doc._id), mutation.doc);
        break;
      case 'delete':
        this.collection(mutation.db, mutation.coll).docs.delete(canonical(mutation.id));
        break;
    }
  }

  *dump(): Generator<StoreMutation> {
    for (const [db, colls] of this.dbs) {
      for (const [coll, state] of colls) {
        yield { op: 'createCollection', db, coll, options: state.options };
        for (const spec of state.indexes.values()) yield { op: 'createIndex', db, coll, spec };
        for (const doc of state.docs.values()) yield { op: 'put', db, coll, doc };
      }
    }
  }

  fingerprint(): string {
    return [...this.dump()].map(canonical).sort().join('\n');
  }

  private collection(db: string, coll: string, options: Document = {}): CollectionState {
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    let state = colls.get(coll);
    if (!state) colls.set(coll, (state = { options, indexes: new Map(), docs: new Map() }));
    return state;
  }
}

function put(id: unknown, fields: Document = {}, coll = 'c'): StoreMutation {
  return { op: 'put', db: 'app', coll, doc: { _id: id, ...fields } };
}

function journalFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith('journal-'))
    .sort()
    .map((name) => join(dir, name));
}

describe('embedded-mongo file storage', () => {
  let dirs: string[] = [];
  let opened: Storage[] = [];

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'rongtong-storage-test-'));
    dirs.push(dir);
    return dir;
  }

  async function openStore(dir: string, compactAfterBytes?: number): Promise<{ storage: Storage; replayed: StoreMutation[] }> {
    const storage = createFileStorage({ dir, compactAfterBytes });
    const replayed: StoreMutation[] = [];
    await storage.open((mutation) => replayed.push(mutation));
    opened.push(storage);
    return { storage, replayed };
  }

  async function reopenModel(dir: string): Promise<Model> {
    const { storage, replayed } = await openStore(dir);
    await storage.close();
    const model = new Model();
    for (const mutation of replayed) model.apply(mutation);
    return model;
  }

  afterEach(async () => {
    await Promise.all(opened.map((storage) => storage.close().catch(() => undefined)));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
    opened = [];
  });

  it('round-trips every mutation kind and BSON type', async () => {
    const dir = tempDir();
    const oid = new ObjectId();
    const doc = JSON.parse('{"__proto__": {"polluted": true, "n": 1}}') as Document;
    const protoNumber = JSON.parse('{"__proto__": 5}') as Document;
    Object.assign(doc, {
      _id: oid,
      int32: new Int32(7),
      integralDouble: new Double(7),
      double: new Double(7.5),
      long: Long.fromString('9007199254740993'),
      decimal: Decimal128.fromString('1234.5678'),
      date: new Date('2024-02-29T12:00:00.000Z'),
      binary: new Binary(Buffer.from([0, 1, 2, 255]), Binary.SUBTYPE_UUID),
      regex: /^a.b$/im,
      plainInt: 5,
      plainFloat: 2.5,
      beyondInt32: 2 ** 40,
      text: '融通',
      nested: { $set: { 'a.b': true }, list: [1, 'two', null, new Int32(3), [new Double(4)]] },
      'a.b': 'dotted',
      $inc: 'dollar',
      protoNumber,
    });
    const mutations: StoreMutation[] = [
      { op: 'createCollection', db: 'app', coll: 'c', options: { capped: false, size: 4096 } },
      { op: 'createIndex', db: 'app', coll: 'c', spec: { name: 'x_1', key: { x: 1 }, unique: true } },
      { op: 'put', db: 'app', coll: 'c', doc },
      { op: 'delete', db: 'app', coll: 'c', id: 42 },
      { op: 'delete', db: 'app', coll: 'c', id: new ObjectId() },
      { op: 'dropIndex', db: 'app', coll: 'c', name: 'x_1' },
      { op: 'dropCollection', db: 'app', coll: 'gone' },
      { op: 'dropDatabase', db: 'old' },
    ];
    const first = await openStore(dir);
    await first.storage.commit(mutations.slice(0, 3));
    await first.storage.commit(mutations.slice(3));
    await first.storage.close();

    const { replayed } = await openStore(dir);
    assert.equal(replayed.length, mutations.length);
    // Restored state re-serialises to exactly the bytes that were committed.
    replayed.forEach((mutation, index) => {
      assert.ok(Buffer.from(serialize(mutation)).equals(Buffer.from(serialize(mutations[index]!))), `mutation ${index} changed`);
    });
    assert.deepEqual(replayed.map(canonical), mutations.map(canonical));

    const restored = (replayed[2] as Extract<StoreMutation, { op: 'put' }>).doc;
    assert.ok(restored._id instanceof ObjectId && restored._id.equals(oid));
    // Same JS shapes as the wire layer decodes: int32 and double values become
    // numbers, except a Double holding an integer, which would otherwise turn into an int32.
    assert.equal(restored.int32, 7);
    assert.ok(restored.integralDouble instanceof Double && restored.integralDouble.value === 7);
    assert.equal(restored.double, 7.5);
    assert.equal(restored.plainInt, 5);
    assert.equal(restored.plainFloat, 2.5);
    assert.equal(restored.beyondInt32, 2 ** 40);
    assert.deepEqual(restored.nested.list.slice(0, 4), [1, 'two', null, 3]);
    assert.ok(restored.nested.list[4][0] instanceof Double);
    assert.ok(restored.long instanceof Long && restored.long.toString() === '9007199254740993');
    assert.ok(restored.decimal instanceof Decimal128 && restored.decimal.toString() === '1234.5678');
    assert.ok(restored.date instanceof Date && restored.date.getTime() === Date.parse('2024-02-29T12:00:00.000Z'));
    assert.ok(restored.binary instanceof Binary && restored.binary.sub_type === Binary.SUBTYPE_UUID);
    assert.deepEqual([...restored.binary.buffer], [0, 1, 2, 255]);
    assert.ok(restored.regex instanceof RegExp && restored.regex.source === '^a.b$' && restored.regex.flags === 'im');
    assert.equal((replayed[3] as Extract<StoreMutation, { op: 'delete' }>).id, 42);
    assert.equal(restored['a.b'], 'dotted');
    assert.equal(restored.$inc, 'dollar');
    assert.deepEqual(Object.keys(restored.nested.$set), ['a.b']);

    // `__proto__` keys stay plain data and never become prototypes.
    assert.equal(Object.getPrototypeOf(restored), Object.prototype);
    assert.ok(Object.hasOwn(restored, '__proto__'));
    assert.deepEqual(Object.getOwnPropertyDescriptor(restored, '__proto__')?.value, { polluted: true, n: 1 });
    assert.equal((restored as { polluted?: unknown }).polluted, undefined);
    assert.equal(Object.getPrototypeOf(restored.protoNumber), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(restored.protoNumber, '__proto__')?.value, 5);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });

  it('flushes concurrent commits together with fewer fsyncs than commits', async () => {
    const dir = tempDir();
    const { storage } = await openStore(dir);
    await Promise.all(Array.from({ length: 200 }, (_, i) => storage.commit([put(i, { n: i })])));
    const stats = storage.stats();
    assert.equal(stats.commits, 200);
    assert.ok(stats.fsyncs < stats.commits, `expected fewer fsyncs than commits, got ${stats.fsyncs}`);
    assert.ok(stats.journalBytes > 0);
    await storage.close();
    const model = await reopenModel(dir);
    assert.equal(model.dbs.get('app')?.get('c')?.docs.size, 200);
  });

  it('gives commits made across microtask checkpoints of one event-loop turn a single flush', async () => {
    const dir = tempDir();
    const { storage } = await openStore(dir);
    // Like commits from several connections whose data events arrive together:
    // each event callback is followed by a microtask checkpoint.
    const commits: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      commits.push(storage.commit([put(i, { n: i })]));
      await Promise.resolve();
    }
    await Promise.all(commits);
    assert.deepEqual({ commits: storage.stats().commits, fsyncs: storage.stats().fsyncs }, { commits: 5, fsyncs: 1 });
    await storage.close();
  });

  it('makes each commit atomic on replay', async () => {
    const dir = tempDir();
    const { storage } = await openStore(dir);
    await storage.commit([put(1)]);
    const before = storage.stats().journalBytes;
    await storage.commit([put(2), put(3), put(4)]);
    await storage.close();
    // Cut inside the second commit: none of its three mutations may survive.
    truncateSync(journalFiles(dir)[0]!, before + 40);
    const model = await reopenModel(dir);
    assert.deepEqual([...model.dbs.get('app')!.get('c')!.docs.keys()], [canonical(1)]);
  });

  it('discards a torn last record and keeps appending after it', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    await first.storage.commit([put('a')]);
    const goodSize = first.storage.stats().journalBytes;
    await first.storage.commit([put('b')]);
    await first.storage.close();
    const [journal] = journalFiles(dir);
    truncateSync(journal!, statSync(journal!).size - 5);

    const second = await openStore(dir);
    assert.deepEqual(second.replayed.map((m) => canonical(m)), [canonical(put('a'))]);
    assert.equal(statSync(journal!).size, goodSize);
    await second.storage.commit([put('c')]);
    await second.storage.close();

    const third = await openStore(dir);
    assert.deepEqual(third.replayed.map(canonical), [put('a'), put('c')].map(canonical));
  });

  it('discards a last record whose checksum fails', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    await first.storage.commit([put('a')]);
    await first.storage.commit([put('b')]);
    await first.storage.close();
    const [journal] = journalFiles(dir);
    const bytes = readFileSync(journal!);
    bytes[bytes.length - 3]! ^= 0xff;
    writeFileSync(journal!, bytes);

    const second = await openStore(dir);
    assert.deepEqual(second.replayed.map(canonical), [canonical(put('a'))]);
    await second.storage.commit([put('c')]);
    await second.storage.close();
    const third = await openStore(dir);
    assert.deepEqual(third.replayed.map(canonical), [put('a'), put('c')].map(canonical));
  });

  it('refuses to start when a record before the tail is corrupt', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    for (const id of ['a', 'b', 'c']) await first.storage.commit([put(id)]);
    await first.storage.close();
    const [journal] = journalFiles(dir);
    const bytes = readFileSync(journal!);
    bytes[20]! ^= 0xff;
    writeFileSync(journal!, bytes);

    const storage = createFileStorage({ dir });
    await assert.rejects(storage.open(() => undefined), (error: Error) => {
      assert.match(error.message, /corrupt at byte 0 \(checksum mismatch\)/);
      assert.ok(error.message.includes(journal!));
      return true;
    });
    assert.equal(readFileSync(journal!).length, bytes.length, 'a failed start-up must not truncate anything');
    assert.ok(!existsSync(join(dir, 'LOCK')), 'a failed start-up releases the lock');
  });

  it('restarts to the same state after compaction, with commits racing it', async () => {
    const dir = tempDir();
    const model = new Model();
    const { storage } = await openStore(dir);
    const commit = (mutations: StoreMutation[]): Promise<void> => {
      for (const mutation of mutations) model.apply(mutation);
      return storage.commit(mutations);
    };
    await commit([
      { op: 'createCollection', db: 'app', coll: 'c', options: { validator: { $jsonSchema: { required: ['n'] } } } },
      { op: 'createIndex', db: 'app', coll: 'c', spec: { name: 'n_1', key: { n: 1 } } },
      { op: 'createIndex', db: 'app', coll: 'c', spec: { name: 'tmp_1', key: { tmp: 1 } } },
      { op: 'createCollection', db: 'scratch', coll: 'x', options: {} },
    ]);
    await Promise.all(Array.from({ length: 3000 }, (_, i) => commit([put(i, { n: i, blob: new Binary(Buffer.alloc(64, i % 256)) })])));
    await commit([
      { op: 'delete', db: 'app', coll: 'c', id: 7 },
      { op: 'dropIndex', db: 'app', coll: 'c', name: 'tmp_1' },
      { op: 'dropDatabase', db: 'scratch' },
    ]);
    const racing = Array.from({ length: 50 }, (_, i) => commit([put(i, { n: -i })]));
    const compaction = storage.compact(() => [...model.dump()]);
    racing.push(...Array.from({ length: 50 }, (_, i) => commit([put(10_000 + i, { n: i })])));
    racing.push(commit([{ op: 'delete', db: 'app', coll: 'c', id: 8 }]));
    await Promise.all([compaction, ...racing]);
    await commit([put('after', { n: 0 })]);
    assert.ok(storage.stats().snapshotBytes > 0);
    await storage.close();

    const names = readdirSync(dir).filter((name) => name !== 'LOCK');
    assert.deepEqual(
      names.sort(),
      ['journal-000000000002.log', 'snapshot-000000000002.bson'],
      'the superseded journal is gone',
    );
    assert.equal((await reopenModel(dir)).fingerprint(), model.fingerprint());
  });

  it('loads a snapshot spanning many frames with binary data intact', async () => {
    const dir = tempDir();
    const model = new Model();
    model.apply({ op: 'createCollection', db: 'app', coll: 'c', options: {} });
    for (let i = 0; i < 20_000; i++) {
      model.apply(put(new ObjectId(), { i, blob: new Binary(Buffer.alloc(100, i % 251)), name: `name-${i}` }));
    }
    const { storage } = await openStore(dir);
    await storage.compact(() => model.dump());
    await storage.close();
    assert.ok(storage.stats().snapshotBytes > 2 * 1024 * 1024, 'the snapshot should span several read chunks');
    assert.equal((await reopenModel(dir)).fingerprint(), model.fingerprint());
  });

  it('survives a crash in the middle of compaction', async () => {
    const dir = tempDir();
    const crashImage = tempDir();
    const model = new Model();
    const { storage } = await openStore(dir);
    for (let round = 0; round < 2; round++) {
      const batch = Array.from({ length: 500 }, (_, i) => put(`${round}-${i}`, { round, pad: 'p'.repeat(2000) }));
      for (const mutation of batch) model.apply(mutation);
      await storage.commit(batch);
      if (round === 0) await storage.compact(() => [...model.dump()]);
    }
    const expected = model.fingerprint();
    let yielded = 0;
    // Copies the directory while the snapshot temp file is half written: what a
    // crash at that instant would leave on disk.
    function* captureAndCrash(mutations: StoreMutation[]): Generator<StoreMutation> {
      for (const mutation of mutations) {
        if (++yielded === 800) {
          assert.ok(readdirSync(dir).some((name) => name.endsWith('.bson.tmp')));
          cpSync(dir, crashImage, { recursive: true });
        }
        yield mutation;
      }
    }
    await storage.compact(() => captureAndCrash([...model.dump()]));
    await storage.close();
    assert.ok(yielded >= 800);

    const fromCrash = await openStore(crashImage);
    await fromCrash.storage.close();
    const crashModel = new Model();
    fromCrash.replayed.forEach((mutation) => crashModel.apply(mutation));
    assert.equal(crashModel.fingerprint(), expected);
    assert.ok(!readdirSync(crashImage).some((name) => name.endsWith('.tmp')), 'the stray temp file is removed');
    assert.equal((await reopenModel(dir)).fingerprint(), expected);
  });

  it('ignores a stray snapshot temp file and a superseded journal', async () => {
    const dir = tempDir();
    const model = new Model();
    const { storage } = await openStore(dir);
    const batch = [put(1, { v: 1 }), put(2, { v: 2 })];
    batch.forEach((mutation) => model.apply(mutation));
    await storage.commit(batch);
    const oldJournal = readFileSync(journalFiles(dir)[0]!);
    await storage.compact(() => [...model.dump()]);
    await storage.commit([{ op: 'delete', db: 'app', coll: 'c', id: 1 }]);
    model.apply({ op: 'delete', db: 'app', coll: 'c', id: 1 });
    await storage.close();
    // A crash after installing the snapshot but before cleaning up leaves the
    // old journal; one mid-way through the next compaction leaves a temp file.
    writeFileSync(join(dir, 'journal-000000000001.log'), oldJournal);
    writeFileSync(join(dir, 'snapshot-000000000003.bson.tmp'), Buffer.from('half a snapshot'));

    assert.equal((await reopenModel(dir)).fingerprint(), model.fingerprint());
    assert.deepEqual(readdirSync(dir).sort(), ['journal-000000000002.log', 'snapshot-000000000002.bson']);
  });

  it('refuses to start when a journal is missing', async () => {
    const dir = tempDir();
    const { storage } = await openStore(dir);
    await storage.commit([put(1)]);
    await storage.compact(() => [put(1)]);
    await storage.commit([put(2)]);
    await storage.close();
    rmSync(join(dir, 'snapshot-000000000002.bson'));
    await assert.rejects(createFileStorage({ dir }).open(() => undefined), /no snapshot holds the state before it/);
  });

  it('refuses to start from a corrupt snapshot', async () => {
    const dir = tempDir();
    const { storage } = await openStore(dir);
    await storage.compact(() => [put(1), put(2)]);
    await storage.close();
    const snapshot = join(dir, 'snapshot-000000000002.bson');
    truncateSync(snapshot, statSync(snapshot).size - 4);
    await assert.rejects(createFileStorage({ dir }).open(() => undefined), /snapshot .* is corrupt/);
  });

  it('locks the data directory against a second opener and takes over a stale lock', async () => {
    const dir = tempDir();
    const { storage } = await openStore(dir);
    await assert.rejects(createFileStorage({ dir }).open(() => undefined), (error: Error) => error.message.includes(dir));
    await storage.close();
    assert.ok(!existsSync(join(dir, 'LOCK')));

    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    assert.ok(deadPid);
    writeFileSync(join(dir, 'LOCK'), `${deadPid}\n`);
    const second = await openStore(dir);
    assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid));
    await second.storage.close();

    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      writeFileSync(join(dir, 'LOCK'), `${holder.pid}\n`);
      await assert.rejects(createFileStorage({ dir }).open(() => undefined), new RegExp(`in use by process ${holder.pid}`));
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('waits for in-flight commits on close and refuses commits afterwards', async () => {
    const dir = tempDir();
    const { storage } = await openStore(dir);
    const pending = Array.from({ length: 40 }, (_, i) => storage.commit([put(i)]));
    await storage.close();
    const outcomes = await Promise.allSettled(pending);
    assert.ok(outcomes.every((outcome) => outcome.status === 'fulfilled'));
    await assert.rejects(storage.commit([put('late')]), /closed/);
    await assert.rejects(storage.compact(() => []), /closed/);
    assert.equal((await reopenModel(dir)).dbs.get('app')?.get('c')?.docs.size, 40);
  });

  it('asks for compaction once the journal outgrows the threshold', async () => {
    const dir = tempDir();
    const model = new Model();
    const { storage } = await openStore(dir, 4096);
    assert.equal(storage.wantsCompaction(), false);
    const batch = Array.from({ length: 50 }, (_, i) => put(i, { pad: 'x'.repeat(100) }));
    batch.forEach((mutation) => model.apply(mutation));
    await storage.commit(batch);
    assert.equal(storage.wantsCompaction(), true);
    const compaction = storage.compact(() => [...model.dump()]);
    assert.equal(storage.wantsCompaction(), false, 'not while a compaction runs');
    await compaction;
    assert.equal(storage.wantsCompaction(), false);
    assert.equal(storage.stats().journalBytes, 0);
  });

  it('keeps the journal when a compaction fails and backs off before retrying', async () => {
    const dir = tempDir();
    const model = new Model();
    const { storage } = await openStore(dir, 1024);
    const commitBatch = async (from: number): Promise<void> => {
      const batch = Array.from({ length: 20 }, (_, i) => put(from + i, { pad: 'x'.repeat(100) }));
      batch.forEach((mutation) => model.apply(mutation));
      await storage.commit(batch);
    };
    await commitBatch(0);
    assert.equal(storage.wantsCompaction(), true);
    function* brokenCapture(): Generator<StoreMutation> {
      yield put(0);
      throw new Error('capture broke');
    }
    await assert.rejects(storage.compact(brokenCapture), /capture broke/);
    assert.ok(!readdirSync(dir).some((name) => name.startsWith('snapshot-')), 'no snapshot or temp file is left');
    assert.equal(storage.wantsCompaction(), false, 'no immediate retry');
    await commitBatch(100);
    assert.equal(storage.wantsCompaction(), true, 'retried once the journal grew again');
    await storage.close();
    assert.equal((await reopenModel(dir)).fingerprint(), model.fingerprint());
  });

  it('loses no acknowledged commit when the process is killed with SIGKILL', async function () {
    this.timeout(60_000);
    const dir = tempDir();
    const fixture = join(repoRoot, 'test', 'fixtures', 'storage-crash-writer.ts');
    const acknowledged: number[] = [];
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, String(round * 10_000_000)], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolveExit) => child.on('exit', (_code, signal) => resolveExit(signal)));
      let killTimer: NodeJS.Timeout | undefined;
      for await (const line of createInterface({ input: child.stdout })) {
        if (line === 'ready') continue;
        acknowledged.push(Number(line));
        killTimer ??= setTimeout(() => child.kill('SIGKILL'), 50 + Math.random() * 700);
      }
      const signal = await exited;
      clearTimeout(killTimer);
      assert.equal(signal, 'SIGKILL', `the writer exited on its own: ${stderr}`);
    }
    assert.ok(acknowledged.length > 0);

    const { storage, replayed } = await openStore(dir);
    await storage.close();
    const stored = new Set(replayed.filter((m) => m.op === 'put').map((m) => Number((m as Extract<StoreMutation, { op: 'put' }>).doc._id)));
    const lost = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${acknowledged.length} acknowledged commits were lost`);
  });

  it('measures the disk limit with the journal writer and cleans up after itself', async () => {
    const dir = tempDir();
    const limit = await measureDiskLimit({ dir, writers: 8, durationMs: 200, recordBytes: 128 });
    assert.ok(limit.opsPerSec > 0);
    assert.ok(limit.p50Ms > 0 && limit.p99Ms >= limit.p50Ms);
    assert.deepEqual(readdirSync(dir), []);
  });
});
