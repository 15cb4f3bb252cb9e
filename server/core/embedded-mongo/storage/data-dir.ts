import { randomUUID } from 'node:crypto';
import { link, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/*
 * Layout of a data directory:
 *   journal-<seq>.log        records appended after snapshot <seq> was taken
 *   snapshot-<seq>.bson      full state at the start of journal <seq>
 *   snapshot-<seq>.bson.tmp  a snapshot being written; never read
 *   LOCK                     pid of the process that has the directory open
 */

const SEQ_DIGITS = 12;
const JOURNAL_NAME = /^journal-(\d+)\.log$/;
const SNAPSHOT_NAME = /^snapshot-(\d+)\.bson$/;
const SNAPSHOT_TEMP_NAME = /^snapshot-\d+\.bson\.tmp$/;
const LOCK_NAME = 'LOCK';

export function journalPath(dir: string, seq: number): string {
  return join(dir, `journal-${String(seq).padStart(SEQ_DIGITS, '0')}.log`);
}

export function snapshotPath(dir: string, seq: number): string {
  return join(dir, `snapshot-${String(seq).padStart(SEQ_DIGITS, '0')}.bson`);
}

export function snapshotTempPath(dir: string, seq: number): string {
  return `${snapshotPath(dir, seq)}.tmp`;
}

export interface DataDirListing {
  /** Ascending. */
  journals: number[];
  /** Ascending. */
  snapshots: number[];
  /** Paths of snapshots a crash interrupted. */
  snapshotTemps: string[];
}

export async function listDataDir(dir: string): Promise<DataDirListing> {
  const listing: DataDirListing = { journals: [], snapshots: [], snapshotTemps: [] };
  for (const name of await readdir(dir)) {
    const journal = JOURNAL_NAME.exec(name);
    const snapshot = SNAPSHOT_NAME.exec(name);
    if (journal) listing.journals.push(Number(journal[1]));
    else if (snapshot) listing.snapshots.push(Number(snapshot[1]));
    else if (SNAPSHOT_TEMP_NAME.test(name)) listing.snapshotTemps.push(join(dir, name));
  }
  listing.journals.sort((a, b) => a - b);
  listing.snapshots.sort((a, b) => a - b);
  return listing;
}

export interface DirLock {
  release(): Promise<void>;
}

/** Lock files this process holds; a pid check cannot tell them from a live peer. */
const heldLocks = new Set<string>();

/**
 * Claims `dir` for this process. The lock file is created complete (written
 * under a private name, then hard-linked into place) so a reader never sees it
 * empty. A lock naming a dead pid is left over from a crash and is taken over;
 * two processes taking over the same stale lock at the same instant is not
 * guarded against.
 */
export async function acquireDirLock(dir: string): Promise<DirLock> {
  const lockPath = join(dir, LOCK_NAME);
  if (heldLocks.has(lockPath)) {
    throw new Error(`data directory ${dir} is already open in this process`);
  }
  const draft = join(dir, `${LOCK_NAME}.${process.pid}.${randomUUID()}.tmp`);
  await writeFile(draft, `${process.pid}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(draft, lockPath);
        break;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST' || attempt >= 3) throw error;
      }
      const holder = await readLockPid(lockPath);
      if (holder !== undefined && holder !== process.pid && isProcessAlive(holder)) {
        throw new Error(
          `data directory ${dir} is in use by process ${holder} (lock file ${lockPath}); ` +
            'stop that process, or delete the lock file if that pid is not a Rongtong store',
        );
      }
      await unlink(lockPath).catch(ignoreMissing);
    }
  } finally {
    await unlink(draft).catch(ignoreMissing);
  }
  heldLocks.add(lockPath);
  return {
    async release() {
      if (!heldLocks.delete(lockPath)) return;
      if ((await readLockPid(lockPath)) === process.pid) await unlink(lockPath).catch(ignoreMissing);
    },
  };
}

async function readLockPid(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error;
}
