import { calculateObjectSize, Long, type Document } from 'bson';
import { MongoCommandError } from './mongo-error';

export const DEFAULT_FIRST_BATCH = 101;
/** A batch stops growing once it reaches this many bytes (MongoDB's 16 MiB reply budget). */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  id: bigint;
  ns: string;
  docs: Document[];
  position: number;
  lastUsed: number;
}

export interface CursorReply {
  cursor: { id: Long; ns: string; firstBatch?: Document[]; nextBatch?: Document[] };
  ok: 1;
}

/**
 * Results are computed eagerly (documents are immutable snapshots) and handed
 * out in batches; a cursor stays open only while results remain.
 */
export class CursorRegistry {
  private readonly cursors = new Map<bigint, OpenCursor>();
  private nextId = BigInt(Date.now()) * 1000n;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly idleTimeoutMs = IDLE_TIMEOUT_MS) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, idleTimeoutMs));
    this.sweeper.unref();
  }

  /** Builds the first reply; `batchSize` undefined means the 101-document default. */
  open(ns: string, docs: Document[], batchSize: number | undefined, singleBatch: boolean): CursorReply {
    const cursor: OpenCursor = { id: 0n, ns, docs, position: 0, lastUsed: Date.now() };
    const firstBatch = this.take(cursor, batchSize ?? DEFAULT_FIRST_BATCH);
    if (!singleBatch && cursor.position < docs.length) {
      cursor.id = ++this.nextId;
      this.cursors.set(cursor.id, cursor);
    }
    return { cursor: { id: Long.fromBigInt(cursor.id), ns, firstBatch }, ok: 1 };
  }

  getMore(id: bigint, ns: string, batchSize: number | undefined): CursorReply {
    const cursor = this.cursors.get(id);
    if (cursor === undefined) {
      throw new MongoCommandError('CursorNotFound', `cursor id ${id} not found`);
    }
    if (cursor.ns !== ns) {
      throw new MongoCommandError('Unauthorized', `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    }
    cursor.lastUsed = Date.now();
    const nextBatch = this.take(cursor, batchSize ?? Number.POSITIVE_INFINITY);
    if (cursor.position >= cursor.docs.length) {
      this.cursors.delete(id);
      cursor.id = 0n;
    }
    return { cursor: { id: Long.fromBigInt(cursor.id), ns, nextBatch }, ok: 1 };
  }

  /** Returns which of `ids` were open (and are now closed). */
  kill(ids: bigint[]): { killed: bigint[]; notFound: bigint[] } {
    const killed: bigint[] = [];
    const notFound: bigint[] = [];
    for (const id of ids) (this.cursors.delete(id) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  close(): void {
    clearInterval(this.sweeper);
    this.cursors.clear();
  }

  private take(cursor: OpenCursor, limit: number): Document[] {
    const batch: Document[] = [];
    let bytes = 0;
    while (cursor.position < cursor.docs.length && batch.length < limit) {
      const doc = cursor.docs[cursor.position];
      const size = calculateObjectSize(doc);
      if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      batch.push(doc);
      bytes += size;
      cursor.position += 1;
    }
    return batch;
  }

  private sweep(): void {
    const cutoff = Date.now() - this.idleTimeoutMs;
    for (const [id, cursor] of this.cursors) if (cursor.lastUsed < cutoff) this.cursors.delete(id);
  }
}
