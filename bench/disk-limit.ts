import { randomBytes, randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { JournalWriter } from '../server/core/embedded-mongo/storage/journal-writer';

export interface DiskLimitOptions {
  dir: string;
  writers: number;
  durationMs: number;
  recordBytes: number;
}

export interface DiskLimit {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * What the disk allows under the store's own journal policy (framed appends,
 * group commit, fdatasync per flush) with no database work, to print beside the
 * store's figures as the ceiling they are bounded by.
 */
export async function measureDiskLimit(options: DiskLimitOptions): Promise<DiskLimit> {
  const path = join(options.dir, `disk-limit-${randomUUID()}.log`);
  const writer = JournalWriter.create(path);
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + options.durationMs;
  try {
    const writeLoop = async (): Promise<void> => {
      const record = randomBytes(options.recordBytes);
      while (performance.now() < deadline) {
        const begun = performance.now();
        await writer.append([record]);
        latencies.push(performance.now() - begun);
      }
    };
    await Promise.all(Array.from({ length: options.writers }, writeLoop));
  } finally {
    await writer.close();
    await unlink(path);
  }
  const elapsedSec = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    opsPerSec: latencies.length / elapsedSec,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}
