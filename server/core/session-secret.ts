import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config';

export const SESSION_SECRET_FILE = 'session-secret';

/**
 * Production must configure SESSION_SECRET (config.ts refuses to start
 * without it). Elsewhere a random secret is generated once and kept next to
 * the data it protects, readable by the owner only, so sessions survive a
 * restart without any secret living in the source tree.
 */
export async function resolveSessionSecret(config: Config): Promise<string> {
  if (config.session.secret) return config.session.secret;
  const file = path.join(config.dataDir, SESSION_SECRET_FILE);
  try {
    const existing = (await fs.readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await fs.writeFile(file, `${secret}\n`, { mode: 0o600 });
  await fs.chmod(file, 0o600);
  return secret;
}
