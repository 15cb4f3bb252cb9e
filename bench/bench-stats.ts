import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The collector, exposed at run time so memory figures are read after a full collection. */
export const collectGarbage: (() => void) | undefined = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as (() => void) | undefined;
})();

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function summarise(times: number[]): { p50: number; p95: number; p99: number; mean: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

export function memory(): { heapMb: number; rssMb: number } {
  collectGarbage?.();
  const usage = process.memoryUsage();
  return { heapMb: usage.heapUsed / 1048576, rssMb: usage.rss / 1048576 };
}

/** The heap sizes the run was given (`npm run bench:*` sets the young generation as `npm start` does). */
export function heapFlags(): string {
  return process.execArgv.filter((arg) => /^--max-(semi|old)-space-size=/.test(arg)).join(' ') || 'default heap sizes';
}
