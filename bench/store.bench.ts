/**
 * Measures the built-in store through the official driver against a server
 * in its own process, so the load generator does not share the server's event
 * loop, and prints each figure beside its target and the floor it is bounded
 * by (the disk's own group-commit limit for writes, a `ping` round trip for
 * reads, an empty start-up for restarts).
 *
 *   npm run bench:store [-- --profile <dir>]   (--profile writes the server's .cpuprofile files there)
 */
import { calculateObjectSize, ObjectId } from 'bson';
import { MongoClient, type Collection } from 'mongodb';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runTs, type RunningProcess } from '../test/support/process';
import { measureDiskLimit } from './disk-limit';

const WRITERS = 50;
const READERS = 100;
const DOCUMENTS = 100_000;
const WRITE_MS = 10_000;
const READ_MS = 5_000;
const WARM_UP_MS = 1_000;
const FIND_MS = 5_000;
const KINDS = ['x', 'y', 'z', 'w'];
const DB = 'bench';
const COLL = 'records';

interface BenchDoc {
  _id: ObjectId;
  kind: string;
  trl: number;
  seq: number;
  title: string;
  updatedAt: Date;
}

interface Figures {
  count: number;
  opsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
}

interface Row {
  measure: string;
  result: string;
  target: string;
  baseline: string;
  met?: boolean;
}

function benchDoc(seq: number): BenchDoc {
  return {
    _id: new ObjectId(),
    kind: KINDS[seq % KINDS.length]!,
    trl: seq % 10,
    seq,
    title: `记录 ${seq} 复合材料螺旋桨 ${'·'.repeat(seq % 40)}`,
    updatedAt: new Date(1_700_000_000_000 + seq * 1000),
  };
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/** Runs `concurrency` closed loops of `op` until `durationMs` passes or `maxOps` are done. */
async function closedLoop(concurrency: number, durationMs: number, op: (index: number) => Promise<unknown>, maxOps = Infinity): Promise<Figures> {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async (): Promise<void> => {
    while (issued < maxOps && performance.now() < deadline) {
      const index = issued++;
      const begun = performance.now();
      await op(index);
      latencies.push(performance.now() - begun);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedSec = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    count: sorted.length,
    opsPerSec: sorted.length / elapsedSec,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
  };
}

/** User + system CPU the process has used, from /proc (Linux), in ms; `_SC_CLK_TCK` is 100 on Linux. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Runs a phase and reports how much server CPU each of its operations cost, which no client-side bottleneck can hide. */
async function withServerCpu(store: StoreProcess, phase: () => Promise<Figures>): Promise<Figures & { serverUsPerOp: number }> {
  const before = await cpuMs(store.process.child.pid!);
  const figures = await phase();
  const used = (await cpuMs(store.process.child.pid!)) - before;
  return { ...figures, serverUsPerOp: (used * 1000) / figures.count };
}

const ms = (value: number): string => `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
const us = (value: number): string => `${Math.round(value)} µs`;
const rate = (value: number): string => `${Math.round(value).toLocaleString('en')}/s`;

interface StoreProcess {
  process: RunningProcess;
  client: MongoClient;
  /** Spawn until the first `ping` answered. */
  readyMs: number;
}

async function startStore(dir: string, profileDir: string | undefined): Promise<StoreProcess> {
  const begun = performance.now();
  const nodeArgs = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const child = runTs('server/core/embedded-mongo/cli.ts', ['--port', '0', '--dir', dir, '--log-level', 'warn'], {}, nodeArgs);
  try {
    const [uri] = await child.waitFor(/mongodb:\/\/\S+/, 120_000);
    const client = new MongoClient(uri, { maxPoolSize: READERS, serverSelectionTimeoutMS: 60_000 });
    await client.db('admin').command({ ping: 1 });
    return { process: child, client, readyMs: performance.now() - begun };
  } catch (error) {
    child.child.kill('SIGKILL');
    throw error;
  }
}

async function stopStore(store: StoreProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  await store.client.close(true);
  store.process.child.kill(signal);
  const { code, signal: endedBy } = await store.process.exited;
  if (signal === 'SIGTERM' && code !== 0) throw new Error(`store exited with ${code ?? endedBy} after SIGTERM:\n${store.process.stderr()}`);
}

/** Fills every pooled connection first, so connection set-up is not timed as an operation. */
async function warmUp(client: MongoClient, concurrency: number): Promise<void> {
  const admin = client.db('admin');
  await closedLoop(concurrency, WARM_UP_MS, () => admin.command({ ping: 1 }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { profile: { type: 'string' } } });
  const profileDir = values.profile === undefined ? undefined : resolve(values.profile);
  const root = await mkdtemp(join(tmpdir(), 'rongtong-store-bench-'));
  const dataDir = join(root, 'data');
  const rows: Row[] = [];
  let store: StoreProcess | undefined;
  try {
    const empty = await startStore(join(root, 'empty'), profileDir);
    await stopStore(empty, 'SIGTERM');

    store = await startStore(dataDir, profileDir);
    const records: Collection<BenchDoc> = store.client.db(DB).collection<BenchDoc>(COLL);
    await warmUp(store.client, READERS);

    // An insert's journal record is its put mutation; titles cycle through 40 lengths, so this is the mean size.
    const putBytes = Array.from({ length: 40 }, (_, seq) => calculateObjectSize({ op: 'put', db: DB, coll: COLL, doc: benchDoc(seq) }));
    const recordBytes = Math.round(putBytes.reduce((sum, bytes) => sum + bytes, 0) / putBytes.length);
    const disk = await measureDiskLimit({ dir: root, writers: WRITERS, durationMs: WRITE_MS / 2, recordBytes });

    const inserts = await withServerCpu(store, () => closedLoop(WRITERS, WRITE_MS, (seq) => records.insertOne(benchDoc(seq)), DOCUMENTS));
    rows.push({
      measure: `insertOne, ${WRITERS} writers (${recordBytes} B records)`,
      result: `${rate(inserts.opsPerSec)} (server ${us(inserts.serverUsPerOp)} CPU/op)`,
      target: '≥ 5,000/s',
      baseline: `disk limit ${rate(disk.opsPerSec)}`,
      met: inserts.opsPerSec >= 5000,
    });
    rows.push({
      measure: '  insert latency p50 / p99',
      result: `${ms(inserts.p50)} / ${ms(inserts.p99)}`,
      target: 'p99 < 2 ms',
      baseline: `${ms(disk.p50Ms)} / ${ms(disk.p99Ms)}`,
      met: inserts.p99 < 2,
    });

    for (let seq = inserts.count; seq < DOCUMENTS; seq += 1000) {
      const batch = Array.from({ length: Math.min(1000, DOCUMENTS - seq) }, (_, i) => benchDoc(seq + i));
      await records.insertMany(batch, { ordered: false });
    }
    const total = await records.countDocuments();
    if (total !== DOCUMENTS) throw new Error(`expected ${DOCUMENTS} documents, found ${total}`);
    const ids = (await records.find({}, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id);
    const randomId = (): ObjectId => ids[Math.floor(Math.random() * ids.length)]!;

    const admin = store.client.db('admin');
    for (const concurrency of [1, READERS]) {
      const ping = await withServerCpu(store, () => closedLoop(concurrency, READ_MS, () => admin.command({ ping: 1 })));
      const reads = await withServerCpu(store, () => closedLoop(concurrency, READ_MS, () => records.findOne({ _id: randomId() })));
      rows.push({
        measure: `findOne by _id, ${concurrency} client${concurrency > 1 ? 's' : ''} p50 / p99`,
        result: `${ms(reads.p50)} / ${ms(reads.p99)} (${rate(reads.opsPerSec)}, server ${us(reads.serverUsPerOp)} CPU/op)`,
        target: 'p99 < 1 ms',
        baseline: `ping ${ms(ping.p50)} / ${ms(ping.p99)} (${rate(ping.opsPerSec)}, server ${us(ping.serverUsPerOp)} CPU/op)`,
        met: reads.p99 < 1,
      });
    }

    const filter = { kind: 'x', trl: { $gte: 5 } };
    const matching = await records.countDocuments(filter);
    const finds = await closedLoop(1, FIND_MS, () => records.find(filter).sort({ updatedAt: -1 }).limit(20).toArray());
    rows.push({
      measure: `find {kind, trl ≥ 5} sort updatedAt limit 20 (${matching.toLocaleString('en')} of ${DOCUMENTS.toLocaleString('en')} match) p50 / p95`,
      result: `${ms(finds.p50)} / ${ms(finds.p95)}`,
      target: '—',
      baseline: '—',
    });

    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      await stopStore(store, signal);
      store = undefined;
      store = await startStore(dataDir, profileDir);
      const recovered = await store.client.db(DB).collection(COLL).countDocuments();
      if (recovered !== DOCUMENTS) throw new Error(`after ${signal} the store holds ${recovered} of ${DOCUMENTS} documents`);
      rows.push({
        measure: `restart after ${signal}, ${DOCUMENTS.toLocaleString('en')} docs (spawn → ping)`,
        result: ms(store.readyMs),
        target: '—',
        baseline: `empty store ${ms(empty.readyMs)}`,
      });
    }
  } finally {
    if (store !== undefined) await stopStore(store, 'SIGKILL').catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
  process.stdout.write(`${new Date().toISOString()} · node ${process.version} · ${cpus().length} cores · load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  printTable(rows);
  // Closed loops obey Little's law, which bounds what any server could show at these concurrencies.
  process.stdout.write(
    `Closed loops: mean latency = clients / throughput, so a 2 ms mean for ${WRITERS} writers needs ${rate(WRITERS / 0.002)} ` +
      `and a 1 ms mean for ${READERS} readers ${rate(READERS / 0.001)}.\n`,
  );
}

function printTable(rows: Row[]): void {
  const header: Row = { measure: 'Measure', result: 'Result', target: 'Target', baseline: 'Baseline' };
  const cells = (row: Row): string[] => [row.measure, row.result, row.target, row.baseline, row === header ? 'Met' : row.met === undefined ? '' : row.met ? 'yes' : 'no'];
  const all = [header, ...rows].map(cells);
  const widths = all[0]!.map((_, column) => Math.max(...all.map((line) => line[column]!.length)));
  for (const line of all) process.stdout.write(`${line.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
