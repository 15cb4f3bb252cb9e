import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../core/config';
import { createLogger } from '../core/logger';
import { ValidationError } from '../core/errors';
import { openPlatform } from '../platform';

const USAGE = 'usage: npm run admin:create -- [--email EMAIL] [--name NAME] [--password PASSWORD]\n(missing values are asked for; the password is not echoed)';

async function ask(question: string, hidden = false): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (hidden && process.stdin.isTTY) {
    // readline has no public muted mode: echo only the prompt while the password is typed.
    (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text: string) => {
      if (text.includes(question)) process.stdout.write(question);
    };
  }
  const answer = await rl.question(question);
  rl.close();
  if (hidden) process.stdout.write('\n');
  return answer.trim();
}

/** Creates a platform admin (the first one on a fresh deployment); they enrol in TOTP at first sign-in. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const email = values.email ?? (await ask('E-mail: '));
  const name = values.name ?? (await ask('Name / 姓名: '));
  const password = values.password ?? (await ask('Password (10+ characters, letters and digits): ', true));

  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const platform = await openPlatform(config, logger);
  try {
    const admin = await platform.features.accounts.service.provision({ email, name, password, roles: ['platform-admin'] });
    process.stdout.write(`Platform admin ${admin.email} created. Sign in at /login and set up two-factor authentication.\n`);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const [field, messages] of Object.entries(error.fieldErrors)) process.stderr.write(`${field}: ${messages.join('; ')}\n`);
    process.exitCode = 2;
  } finally {
    await platform.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
