import { silentLogger, type Logger } from '../logger';
import { EmbeddedServer } from './embedded-server';
import { createFileStorage } from './storage';

export interface EmbeddedMongoOptions {
  /** Defaults to 127.0.0.1; the server is meant for loopback use only. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Data directory for the journal and snapshots. */
  dir: string;
  logger?: Logger;
  /** How often expired TTL documents are removed (default 1000 ms). */
  ttlMonitorIntervalMs?: number;
}

export interface EmbeddedMongo {
  uri: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Starts a MongoDB-compatible server on loopback backed by durable file storage in `dir`. */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const server = new EmbeddedServer({
    host,
    port: options.port ?? 0,
    storage: createFileStorage({ dir: options.dir, logger }),
    logger,
    ttlMonitorIntervalMs: options.ttlMonitorIntervalMs ?? 1000,
  });
  await server.start();
  const port = server.port;
  return { uri: `mongodb://${host}:${port}`, host, port, close: () => server.close() };
}
