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
