import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Document } from 'bson';
import { ignoreMissing } from './data-dir';
import { frameHeader, scanFrames } from './frame';
import { fsyncDirectory, writeFully } from './journal-writer';
import { asMutation, decodeDocuments, encodeDocument } from './mutation-codec';
import type { StoreMutation } from './storage.types';

/**
 * A snapshot is a sequence of frames, each holding a run of mutations, closed
 * by a trailer frame with the mutation count. The trailer lets loading notice
 * a snapshot that was cut short at a frame boundary.
 */
const FRAME_TARGET_BYTES = 1024 * 1024;
/** Serialising yields to the event loop at least this often. */
const SLICE_MS = 2;
/**
 * Flushing the snapshot as it grows keeps little of it dirty in the page
 * cache; on ext4 a journal fdatasync can otherwise stall behind writeback of
 * every dirty snapshot byte, which commits would feel as latency spikes.
 */
const SYNC_EVERY_BYTES = 4 * 1024 * 1024;

interface SnapshotTrailer {
  snapshotEnd: true;
  mutations: number;
}

function isTrailer(doc: Document): boolean {
  return doc.snapshotEnd === true;
}

/**
 * Serialises `mutations` into `tempPath` in slices, then makes it durable and
 * renames it to `finalPath`. Returns the file size.
 */
export async function writeSnapshot(tempPath: string, finalPath: string, mutations: Iterable<StoreMutation>): Promise<number> {
  const handle = await open(tempPath, 'w');
  let size = 0;
  let syncedSize = 0;
  try {
    const writeFrame = async (payload: Uint8Array[]): Promise<void> => {
      size += await writeFully(handle.fd, [frameHeader(payload), ...payload], size);
      if (size - syncedSize >= SYNC_EVERY_BYTES) {
        await handle.datasync();
        syncedSize = size;
      }
    };

    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let count = 0;
    let sliceStart = performance.now();
    for (const mutation of mutations) {
      const encoded = encodeDocument(mutation);
      pending.push(encoded);
      pendingBytes += encoded.length;
      count++;
      if (pendingBytes >= FRAME_TARGET_BYTES || performance.now() - sliceStart >= SLICE_MS) {
        await writeFrame(pending);
        pending = [];
        pendingBytes = 0;
        sliceStart = performance.now();
      }
    }
    if (pending.length > 0) await writeFrame(pending);
    const trailer: SnapshotTrailer = { snapshotEnd: true, mutations: count };
    await writeFrame([encodeDocument(trailer)]);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(tempPath).catch(ignoreMissing);
    throw error;
  }
  await handle.close();
  await rename(tempPath, finalPath);
  await fsyncDirectory(dirname(finalPath));
  return size;
}

/** Streams the snapshot's mutations into `apply`. Any damage is fatal: snapshots are only ever renamed into place complete. */
export async function loadSnapshot(path: string, apply: (mutation: StoreMutation) => void): Promise<number> {
  let applied = 0;
  let trailer: Document | undefined;
  const result = await scanFrames(path, (payload, offset) => {
    if (trailer) throw new Error(`snapshot ${path} has data after its trailer (byte ${offset})`);
    let docs: Document[];
    try {
      docs = decodeDocuments(payload);
    } catch (error) {
      throw new Error(`snapshot ${path} record at byte ${offset} is unreadable: ${(error as Error).message}`, { cause: error });
    }
    if (docs.length === 1 && isTrailer(docs[0]!)) {
      trailer = docs[0];
      return;
    }
    for (const doc of docs) {
      apply(asMutation(doc));
      applied++;
    }
  });
  if (result.damage) {
    throw new Error(`snapshot ${path} is corrupt at byte ${result.damage.offset} (${result.damage.reason}); refusing to start with partial data`);
  }
  if (!trailer) throw new Error(`snapshot ${path} is incomplete (no trailer); refusing to start with partial data`);
  if (Number(trailer.mutations) !== applied) {
    throw new Error(`snapshot ${path} holds ${applied} mutations but its trailer says ${String(trailer.mutations)}`);
  }
  return result.size;
}
