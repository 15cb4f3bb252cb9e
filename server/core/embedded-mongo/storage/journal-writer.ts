import { close, closeSync, fdatasync, fsync, open, openSync, writev } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { FRAME_HEADER_BYTES, MAX_FRAME_PAYLOAD_BYTES, frameHeader } from './frame';

const writevAsync = promisify(writev);
const fdatasyncAsync = promisify(fdatasync);
const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);
const openAsync = promisify(open);

/**
 * Upper bound for one group-commit frame, so a burst of commits cannot build an
 * unbounded write; a single larger commit still goes out alone.
 */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

interface JournalFile {
  readonly path: string;
  readonly fd: number;
  size: number;
  /** A new file's directory entry must be durable before its data counts. */
  entrySynced: boolean;
}

type Entry =
  | { kind: 'append'; payload: readonly Uint8Array[]; bytes: number; resolve: () => void; reject: (error: Error) => void }
  | { kind: 'rotate'; next: JournalFile; resolve: (finalSize: number) => void; reject: (error: Error) => void };

export async function fsyncDirectory(dir: string): Promise<void> {
  const fd = await openAsync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    await closeAsync(fd);
  }
}

/**
 * Appends framed records to a journal file with group commit: while one
 * write + fdatasync is in flight, later appends queue up and the next flush
 * writes all of them as a single frame with a single fdatasync. A flush frame is
 * replayed whole or not at all, which makes every append atomic.
 *
 * After a failed write or sync the file's contents are unknown (the kernel may
 * have dropped dirty pages), so the writer refuses all further work.
 */
export class JournalWriter {
  private readonly queue: Entry[] = [];
  private active: JournalFile;
  private draining = false;
  private closed = false;
  private failure: Error | undefined;
  private idleWaiters: (() => void)[] = [];
  private fsyncCount = 0;
  private appendCount = 0;

  private constructor(active: JournalFile) {
    this.active = active;
  }

  /** Creates `path`, which must not exist yet. */
  static create(path: string): JournalWriter {
    return new JournalWriter(createJournalFile(path));
  }

  /** Continues an existing journal whose intact prefix is `size` bytes long. */
  static resume(path: string, size: number): JournalWriter {
    return new JournalWriter({ path, fd: openSync(path, 'r+'), size, entrySynced: true });
  }

  get fsyncs(): number {
    return this.fsyncCount;
  }

  /** Appends acknowledged so far. */
  get appends(): number {
    return this.appendCount;
  }

  /** Bytes in the file flushes currently go to. */
  get activeBytes(): number {
    return this.active.size;
  }

  /** Resolves once `payload` is durably on disk. */
  append(payload: readonly Uint8Array[]): Promise<void> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    let bytes = 0;
    for (const part of payload) bytes += part.length;
    if (bytes === 0 || bytes > MAX_FRAME_PAYLOAD_BYTES - FRAME_HEADER_BYTES) {
      return Promise.reject(new RangeError(`cannot append a record of ${bytes} bytes`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'append', payload, bytes, resolve, reject });
      this.startDraining();
    });
  }

  /**
   * Creates the next journal file now; appends made from here on go to it and
   * earlier ones to the current file. Resolves with the old file's final size
   * once its last record is durable and it is closed.
   */
  rotate(path: string): Promise<number> {
    const refusal = this.refusal();
    if (refusal) throw refusal;
    const next = createJournalFile(path);
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ kind: 'rotate', next, resolve, reject });
      this.startDraining();
    });
  }

  /** Flushes what is queued, then closes the file. Later appends are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.draining || this.queue.length > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await closeAsync(this.active.fd);
  }

  private refusal(): Error | undefined {
    if (this.failure) return new Error(`journal is unusable after an earlier write failure: ${this.failure.message}`, { cause: this.failure });
    if (this.closed) return new Error('journal is closed');
    return undefined;
  }

  private startDraining(): void {
    if (this.draining) return;
    this.draining = true;
    // Waiting for the end of this event-loop turn lets every append made in it
    // join the first frame: each socket's data callback ends in a microtask
    // checkpoint, so a microtask would flush the first connection's commit alone
    // and make the others, read in the same turn, wait a whole flush.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.failure) {
      const head = this.queue[0]!;
      if (head.kind === 'rotate') {
        this.queue.shift();
        const old = this.active;
        this.active = head.next;
        try {
          await closeAsync(old.fd);
          head.resolve(old.size);
        } catch (error) {
          head.reject(asError(error));
        }
        continue;
      }
      const batch = this.takeBatch();
      try {
        await this.flush(batch);
      } catch (error) {
        this.fail(asError(error), batch);
        break;
      }
      this.appendCount += batch.length;
      for (const entry of batch) entry.resolve();
    }
    this.draining = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private takeBatch(): Extract<Entry, { kind: 'append' }>[] {
    const batch: Extract<Entry, { kind: 'append' }>[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.kind !== 'append') break;
      if (batch.length > 0 && bytes + head.bytes > MAX_BATCH_BYTES) break;
      this.queue.shift();
      batch.push(head);
      bytes += head.bytes;
    }
    return batch;
  }

  private async flush(batch: readonly Extract<Entry, { kind: 'append' }>[]): Promise<void> {
    const file = this.active;
    const payload: Uint8Array[] = [];
    for (const entry of batch) payload.push(...entry.payload);
    const buffers = [frameHeader(payload), ...payload];
    const written = await writeFully(file.fd, buffers, file.size);
    await fdatasyncAsync(file.fd);
    this.fsyncCount++;
    if (!file.entrySynced) {
      await fsyncDirectory(dirname(file.path));
      file.entrySynced = true;
    }
    file.size += written;
  }

  private fail(error: Error, batch: readonly Entry[]): void {
    this.failure = error;
    for (const entry of [...batch, ...this.queue.splice(0)]) {
      if (entry.kind === 'rotate') closeSync(entry.next.fd);
      entry.reject(error);
    }
  }
}

function createJournalFile(path: string): JournalFile {
  return { path, fd: openSync(path, 'wx'), size: 0, entrySynced: false };
}

export async function writeFully(fd: number, buffers: Uint8Array[], position: number): Promise<number> {
  let pending = buffers;
  let at = position;
  while (pending.length > 0) {
    const { bytesWritten } = await writevAsync(fd, pending, at);
    if (bytesWritten === 0) throw new Error('write made no progress');
    at += bytesWritten;
    pending = dropBytes(pending, bytesWritten);
  }
  return at - position;
}

function dropBytes(buffers: Uint8Array[], count: number): Uint8Array[] {
  let left = count;
  let index = 0;
  while (index < buffers.length && left >= buffers[index]!.length) {
    left -= buffers[index]!.length;
    index++;
  }
  const rest = buffers.slice(index);
  if (left > 0) rest[0] = rest[0]!.subarray(left);
  return rest;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
