import { once } from 'node:events';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../../server/core/paths';
import { totpCode, totpStep } from '../../../server/core/totp';
import { TEST_PASSWORD } from '../../support/agents';
import { makeTempDir, startTestPlatform, type TestPlatform } from '../../support/platform';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(projectRoot, 'test-artifacts');

export interface BrowserHarness {
  test: TestPlatform;
  baseUrl: string;
  context: BrowserContext;
  page: Page;
  /** A full-page screenshot at test-artifacts/<prefix>-<name>.png. */
  screenshot(name: string): Promise<Buffer>;
  /** Through /login, and /login/two-factor when the person has a TOTP secret; ends on /account. */
  signIn(person: { email: string; totpSecret?: string }): Promise<void>;
  /** Through the user menu; ends on the home page. */
  signOut(): Promise<void>;
  close(): Promise<void>;
}

/** A fresh test platform listening on loopback, driven by Debian's Chromium in a throwaway profile. */
export async function startBrowserHarness(prefix: string): Promise<BrowserHarness> {
  // A missing browser is a broken test machine, not a reason to skip.
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get update && apt-get install -y --no-install-recommends chromium (.ci/run does this)`);
  }
  const test = await startTestPlatform();
  let server: Server | undefined;
  let userDataDir: string | undefined;
  let context: BrowserContext | undefined;
  let page: Page;

  async function close(): Promise<void> {
    await context?.close();
    const listening = server;
    listening?.closeAllConnections();
    if (listening) await new Promise((resolve) => listening.close(resolve));
    await test.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  }

  try {
    server = test.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    userDataDir = await makeTempDir('chromium');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
    });
    page = context.pages()[0] ?? (await context.newPage());
  } catch (error) {
    // The caller only gets close() on success, so a half-started harness is torn down here.
    await close();
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    test,
    baseUrl,
    context,
    page,
    screenshot: (name) => page.screenshot({ path: path.join(ARTIFACTS, `${prefix}-${name}.png`), fullPage: true }),
    async signIn(person) {
      await page.goto(`${baseUrl}/login`);
      await page.fill('#field-email', person.email);
      await page.fill('#field-password', TEST_PASSWORD);
      await page.click('main form button[type="submit"]');
      if (person.totpSecret) {
        await page.waitForURL(/\/login\/two-factor$/);
        await page.fill('#field-code', totpCode(person.totpSecret, totpStep()));
        await page.click('main form button[type="submit"]');
      }
      await page.waitForURL(/\/account$/);
    },
    async signOut() {
      await page.locator('.user-menu summary').click();
      await page.locator('.user-menu-panel button[type="submit"]').click();
      await page.waitForURL(/\/\?notice=signed-out$/);
    },
    close,
  };
}
