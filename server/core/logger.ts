import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino({
    level: options.level,
    base: { app: 'rongtong' },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-typesense-api-key"]'], remove: true },
  });
}

/** For library code and tests that take an optional logger. */
export const silentLogger: Logger = pino({ level: 'silent' });
