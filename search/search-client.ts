import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Client } from 'typesense';
import type { Config } from '../server/core/config';
import type { DependencyHealth, DependencyMode } from '../server/core/db';
import type { Logger } from '../server/core/logger';
import { startEmbeddedTypesense, type EmbeddedTypesense } from './embedded';

export interface SearchEngine {
  mode: DependencyMode;
  client: Client;
  health(): Promise<DependencyHealth>;
  /** Stops the built-in engine if it is ours; an external cluster is left alone. */
  close(): Promise<void>;
}

export interface OpenSearchOptions {
  /** Tests pass a smaller value so an unreachable engine is noticed quickly. */
  connectionTimeoutSeconds?: number;
}

/**
 * Connections the official client keeps open between requests. Given no agent
 * it opened a connection per request, and a match's `multi_search` brings
 * back some 700 kB: a fresh connection's slow start cost about 7 ms of each on
 * loopback (`npm run bench:matching`), and a handshake per request to a
 * remote node.
 */
export function keptAliveAgents(): { httpAgent: http.Agent; httpsAgent: https.Agent; destroy(): void } {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  return {
    httpAgent,
    httpsAgent,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * The app always talks to search through the official client. With no
 * TYPESENSE_URL the built-in engine is started on loopback with a fresh random
 * key, so no default key exists anywhere.
 */
export async function openSearch(config: Config, logger: Logger, options: OpenSearchOptions = {}): Promise<SearchEngine> {
  let embedded: EmbeddedTypesense | undefined;
  let nodes = config.typesense.nodes?.map((node) => ({ ...node }));
  let apiKey = config.typesense.apiKey ?? '';
  if (!nodes) {
    embedded = await startEmbeddedTypesense({
      port: config.typesense.embeddedPort,
      apiKey: randomBytes(24).toString('hex'),
      logger: logger.child({ component: 'embedded-typesense' }),
    });
    nodes = [{ protocol: 'http', host: embedded.host, port: embedded.port }];
    apiKey = embedded.apiKey;
  }
  const mode: DependencyMode = embedded ? 'embedded' : 'external';
  const agents = keptAliveAgents();
  const client = new Client({
    nodes,
    apiKey,
    httpAgent: agents.httpAgent,
    httpsAgent: agents.httpsAgent,
    connectionTimeoutSeconds: options.connectionTimeoutSeconds ?? 10,
    numRetries: nodes.length > 1 ? 3 : 1,
    retryIntervalSeconds: 0.2,
    logLevel: 'silent',
  });
  logger.info({ mode, nodes: nodes.map((node) => `${node.protocol}://${node.host}:${node.port}`) }, 'search engine configured');

  return {
    mode,
    client,
    async health() {
      const started = performance.now();
      try {
        const result = await client.health.retrieve();
        if (!result.ok) return { mode, status: 'down', error: 'engine reports not ok' };
        return { mode, status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
      } catch (error) {
        return { mode, status: 'down', error: (error as Error).message };
      }
    },
    async close() {
      agents.destroy();
      await embedded?.close();
    },
  };
}
