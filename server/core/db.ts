import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { Config } from './config';
import type { Logger } from './logger';
import { startEmbeddedMongo, type EmbeddedMongo } from './embedded-mongo';

export type DependencyMode = 'embedded' | 'external';

export interface DependencyHealth {
  mode: DependencyMode;
  status: 'up' | 'down';
  latencyMs?: number;
  error?: string;
}

export interface Store {
  mode: DependencyMode;
  connection: Connection;
  health(): Promise<DependencyHealth>;
  /** Closes the connection, then flushes and stops the built-in store if it is ours. */
  close(): Promise<void>;
}

const DEFAULT_DB_NAME = 'rongtong';

/**
 * Mongoose is the only way the app reaches data. With no MONGODB_URI the
 * built-in store is started on loopback and reached over the wire exactly as
 * a real MongoDB would be, so both modes run the same code path.
 */
export async function openStore(config: Config, logger: Logger): Promise<Store> {
  let embedded: EmbeddedMongo | undefined;
  let uri = config.mongo.uri;
  if (!uri) {
    embedded = await startEmbeddedMongo({
      port: config.mongo.embeddedPort,
      dir: path.join(config.dataDir, 'mongo'),
      logger: logger.child({ component: 'embedded-mongo' }),
    });
    uri = `${embedded.uri}/${DEFAULT_DB_NAME}`;
  }
  const mode: DependencyMode = embedded ? 'embedded' : 'external';
  const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await connection.asPromise();
  } catch (error) {
    await embedded?.close();
    throw error;
  }
  logger.info({ mode, uri: redactUri(uri) }, 'store connected');

  return {
    mode,
    connection,
    async health() {
      const started = performance.now();
      try {
        await connection.db!.admin().ping();
        return { mode, status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
      } catch (error) {
        return { mode, status: 'down', error: (error as Error).message };
      }
    },
    async close() {
      await connection.close();
      await embedded?.close();
    },
  };
}

function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}
