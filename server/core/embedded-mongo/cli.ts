import { parseArgs } from 'node:util';
import { createLogger } from '../logger';
import { startEmbeddedMongo } from './index';

/** `npm run db:embedded -- --port 27018 --dir ./data/mongo` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '27017' },
      dir: { type: 'string', default: './data/mongo' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  const logger = createLogger({ level: values['log-level'] ?? 'info' });
  const mongo = await startEmbeddedMongo({ host: values.host, port, dir: values.dir ?? './data/mongo', logger });
  process.stdout.write(`embedded MongoDB listening on ${mongo.uri}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'embedded MongoDB shutting down');
    mongo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'embedded MongoDB failed to close cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`embedded MongoDB failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
