import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { createApp } from '../../server/app';
import { loadConfig, type Config } from '../../server/core/config';
import { silentLogger } from '../../server/core/logger';
import { openPlatform, type Platform } from '../../server/platform';

export interface TestPlatform {
  app: Express;
  config: Config;
  platform: Platform;
  dataDir: string;
  close(): Promise<void>;
}

export async function makeTempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `rongtong-${prefix}-`));
}

/**
 * A whole platform on the built-in store in a fresh data directory, so every
 * test file gets its own database and goes through the same start-up path as
 * `npm start`.
 */
export async function startTestPlatform(env: Record<string, string> = {}): Promise<TestPlatform> {
  const dataDir = await makeTempDir('test');
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env });
  const platform = await openPlatform(config, silentLogger, { connectionTimeoutSeconds: 2 });
  const app = createApp({ config, logger: silentLogger, store: platform.store, search: platform.search, features: platform.features, sessionSecret: platform.sessionSecret });
  return {
    app,
    config,
    platform,
    dataDir,
    async close() {
      await platform.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
