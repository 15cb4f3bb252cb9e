import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { runTs, type RunningProcess } from './support/process';

const CLI = 'server/core/embedded-mongo/cli.ts';

async function startCli(dir: string): Promise<{ proc: RunningProcess; uri: string }> {
  const proc = runTs(CLI, ['--port', '0', '--dir', dir, '--log-level', 'warn'], {});
  const [, uri] = await proc.waitFor(/embedded MongoDB listening on (mongodb:\/\/[\d.]+:\d+)/);
  return { proc, uri };
}

function connect(uri: string): Promise<MongoClient> {
  return MongoClient.connect(uri, { serverSelectionTimeoutMS: 3_000, maxPoolSize: 40 });
}

describe('embedded MongoDB crash safety (CLI child process)', function () {
  this.timeout(120_000);
  let dir: string;
  const running: RunningProcess[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rongtong-embedded-crash-'));
  });

  afterEach(() => {
    for (const proc of running.splice(0)) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write after SIGKILL mid-stream', async () => {
    const first = await startCli(dir);
    running.push(first.proc);
    const client = await connect(first.uri);
    const coll = client.db('crash').collection('writes');
    await coll.createIndex({ seq: 1 }, { unique: true });
    await coll.insertOne({ _id: 'counter' as never, n: 0 });

    const acknowledged: string[] = [];
    let acknowledgedIncs = 0;
    let attemptedIncs = 0;
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const id = `${w}-${i}`;
        try {
          if (i % 4 === 3) {
            attemptedIncs += 1;
            await coll.updateOne({ _id: 'counter' as never }, { $inc: { n: 1 } });
            acknowledgedIncs += 1;
          } else {
            await coll.insertOne({ _id: id as never, seq: `${w}:${i}`, payload: 'x'.repeat(200) });
            acknowledged.push(id);
          }
        } catch {
          return;
        }
      }
    };
    const writers = Array.from({ length: 25 }, (_, w) => writer(w));
    while (acknowledged.length < 2_000) await new Promise((resolve) => setTimeout(resolve, 10));
    first.proc.child.kill('SIGKILL');
    const exit = await first.proc.exited;
    assert.equal(exit.signal, 'SIGKILL');
    stop = true;
    await Promise.all(writers);
    await client.close(true);

    const second = await startCli(dir);
    running.push(second.proc);
    const reader = await connect(second.uri);
    try {
      const recovered = reader.db('crash').collection('writes');
      const ids = new Set((await recovered.find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id)));
      const missing = acknowledged.filter((id) => !ids.has(id));
      assert.deepEqual(missing, []);
      const counter = await recovered.findOne({ _id: 'counter' as never });
      assert.ok(counter !== null && counter.n >= acknowledgedIncs && counter.n <= attemptedIncs, `counter ${counter?.n} outside [${acknowledgedIncs}, ${attemptedIncs}]`);
      await assert.rejects(recovered.insertOne({ seq: '0:0' }), (e: { code?: number }) => e.code === 11000);
    } finally {
      await reader.close();
    }
    second.proc.child.kill('SIGTERM');
    assert.deepEqual(await second.proc.exited, { code: 0, signal: null });
  });

  it('closes cleanly on SIGTERM and serves the same data again', async () => {
    const first = await startCli(dir);
    running.push(first.proc);
    const client = await connect(first.uri);
    await client.db('crash').collection('graceful').insertMany([{ _id: 1 as never }, { _id: 2 as never }]);
    await client.close();
    first.proc.child.kill('SIGTERM');
    assert.deepEqual(await first.proc.exited, { code: 0, signal: null });

    const second = await startCli(dir);
    running.push(second.proc);
    const reader = await connect(second.uri);
    try {
      assert.equal(await reader.db('crash').collection('graceful').countDocuments(), 2);
    } finally {
      await reader.close();
    }
    second.proc.child.kill('SIGINT');
    assert.deepEqual(await second.proc.exited, { code: 0, signal: null });
  });
});
