/**
 * Serves the embedded Typesense engine until SIGTERM/SIGINT.
 *
 *   npm run search:embedded -- --port 8108 --api-key KEY [--host 127.0.0.1]
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../server/core/logger';
import { startEmbeddedTypesense } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8108' },
      'api-key': { type: 'string', default: process.env.TYPESENSE_API_KEY },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const apiKey = values['api-key'];
  if (!apiKey) throw new Error('--api-key (or TYPESENSE_API_KEY) is required');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  const logger = createLogger({ level: values['log-level'] ?? 'info' });
  const engine = await startEmbeddedTypesense({ host: values.host, port, apiKey, logger });
  console.log(`Embedded Typesense listening on ${engine.url}`);
  const stop = (signal: string): void => {
    logger.info({ signal }, 'embedded typesense stopping');
    engine.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
