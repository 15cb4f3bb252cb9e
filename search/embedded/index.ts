/**
 * A built-in engine that speaks Typesense's HTTP API on loopback, for machines
 * that cannot run Typesense. The app talks to it with the official client.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../server/core/logger';
import { CollectionRegistry } from './collection-registry';
import { createRequestHandler } from './http-api';

export interface EmbeddedTypesenseOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  apiKey: string;
  logger?: Logger;
}

export interface EmbeddedTypesense {
  url: string;
  host: string;
  port: number;
  apiKey: string;
  close(): Promise<void>;
}

export async function startEmbeddedTypesense(options: EmbeddedTypesenseOptions): Promise<EmbeddedTypesense> {
  if (!options.apiKey) throw new Error('startEmbeddedTypesense: apiKey is required');
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const server = createServer(createRequestHandler(new CollectionRegistry(), options.apiKey, logger));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url }, 'embedded typesense listening');
  return {
    url,
    host,
    port,
    apiKey: options.apiKey,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The official client keeps connections alive; without this close() would wait for them to idle out.
        server.closeAllConnections();
      }),
  };
}
