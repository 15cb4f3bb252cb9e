import path from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  MONGODB_URI: optionalString.pipe(z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional()),
  EMBEDDED_MONGO_PORT: port.optional(),
  TYPESENSE_URL: optionalString.pipe(
    z
      .string()
      .refine(
        (value) => value.split(',').every((node) => /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(node.trim())),
        'must be one or more comma-separated http(s)://host:port URLs',
      )
      .optional(),
  ),
  TYPESENSE_API_KEY: optionalString,
  EMBEDDED_TYPESENSE_PORT: port.optional(),
  JOBS_MODE: z.enum(['inline', 'off']).default('inline'),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  SESSION_IDLE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SESSION_ABSOLUTE_TIMEOUT_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(12),
  SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional()),
  MAIL_FROM: z.string().trim().min(3).default('融通平台 <no-reply@rongtong.localhost>'),
});

export type Env = z.infer<typeof envSchema>;

export interface TypesenseNode {
  protocol: 'http' | 'https';
  host: string;
  port: number;
}

export interface Config {
  env: Env['NODE_ENV'];
  http: { host: string; port: number; publicUrl: string | undefined };
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  shutdownTimeoutMs: number;
  mongo: { uri: string | undefined; embeddedPort: number };
  typesense: { nodes: TypesenseNode[] | undefined; apiKey: string | undefined; embeddedPort: number };
  /** `inline`: the web process also runs background jobs; `off`: a separate `npm run worker` does. */
  jobsMode: Env['JOBS_MODE'];
  session: {
    /** Unset outside production: the platform keeps a generated one under DATA_DIR (see server/core/session-secret.ts). */
    secret: string | undefined;
    idleTimeoutMinutes: number;
    absoluteTimeoutHours: number;
  };
  /** Without `smtpUrl` messages are only captured in the outbox collection. */
  mail: { smtpUrl: string | undefined; from: string };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseTypesenseNodes(list: string): TypesenseNode[] {
  return list.split(',').map((entry) => {
    const url = new URL(entry.trim());
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    const defaultPort = protocol === 'https' ? 443 : 80;
    return { protocol, host: url.hostname, port: url.port ? Number(url.port) : defaultPort };
  });
}

/** The only place that reads the environment; everything else receives a frozen Config. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`));
  }
  const env = parsed.data;
  if (Boolean(env.TYPESENSE_URL) !== Boolean(env.TYPESENSE_API_KEY)) {
    throw new ConfigError([
      `${env.TYPESENSE_URL ? 'TYPESENSE_API_KEY' : 'TYPESENSE_URL'}: required when ${env.TYPESENSE_URL ? 'TYPESENSE_URL' : 'TYPESENSE_API_KEY'} is set`,
    ]);
  }
  if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
    throw new ConfigError(['SESSION_SECRET: required in production (at least 32 random characters)']);
  }
  const config: Config = {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT, publicUrl: env.PUBLIC_URL },
    logLevel: env.LOG_LEVEL,
    dataDir: path.resolve(env.DATA_DIR),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    mongo: { uri: env.MONGODB_URI, embeddedPort: env.EMBEDDED_MONGO_PORT ?? 0 },
    typesense: {
      nodes: env.TYPESENSE_URL ? parseTypesenseNodes(env.TYPESENSE_URL) : undefined,
      apiKey: env.TYPESENSE_API_KEY,
      embeddedPort: env.EMBEDDED_TYPESENSE_PORT ?? 0,
    },
    jobsMode: env.JOBS_MODE,
    session: {
      secret: env.SESSION_SECRET,
      idleTimeoutMinutes: env.SESSION_IDLE_TIMEOUT_MINUTES,
      absoluteTimeoutHours: env.SESSION_ABSOLUTE_TIMEOUT_HOURS,
    },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
