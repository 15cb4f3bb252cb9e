/**
 * Cuts long synchronous loops (imports, exports, index rebuilds) into slices:
 * the engine usually runs inside the web process, so one loop must never hold
 * the event loop for long.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

const SLICE_MS = 25;

/** Yields when the current slice of work has run for SLICE_MS. */
export class Slicer {
  private since = performance.now();

  async maybeYield(): Promise<void> {
    if (performance.now() - this.since < SLICE_MS) return;
    await yieldToEventLoop();
    this.since = performance.now();
  }
}
