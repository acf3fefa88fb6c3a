/**
 * Browser tests: headless Chromium (Debian's package, never a browser download) driven by
 * playwright-core against the real service (createTestApp + listen), real PostgreSQL, Redis and S3.
 * `.ci/run` installs Chromium when it is missing; CHROMIUM_PATH overrides /usr/bin/chromium.
 * Playwright starts every browser with a fresh temporary --user-data-dir of its own.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app.js';
import type { TestUser } from '../support/fixtures.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** Screenshots go to docs/screenshots with UPDATE_SCREENSHOTS=1 (to commit them), else to a temp folder. */
const SHOTS = process.env.UPDATE_SCREENSHOTS ? join(process.cwd(), 'docs/screenshots') : join(tmpdir(), 'eiso-screenshots');

export interface WebSuite {
  t: TestApp;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** The real service listening on a free port, its queued work relayed every 300 ms, and Chromium. */
export async function webSuite(): Promise<WebSuite> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (.ci/run does it)`);
  if (!existsSync(join(process.cwd(), 'web/dist/index.html'))) throw new Error('web/dist is not built: npm run build (npm test does it)');
  const t = await createTestApp();
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  // Timers are off in tests: relay committed jobs (renditions, notices) as the service would.
  let relaying = false;
  const relay = setInterval(() => {
    if (relaying) return;
    relaying = true;
    t.flushOutbox()
      .catch(() => undefined)
      .finally(() => (relaying = false));
  }, 300);
  relay.unref();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  mkdirSync(SHOTS, { recursive: true });
  return {
    t,
    base: `http://127.0.0.1:${port}`,
    browser,
    async close() {
      clearInterval(relay);
      await browser.close();
      await t.close();
    },
  };
}

export async function newPage(s: WebSuite, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await s.browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true, baseURL: s.base });
  context.setDefaultTimeout(45_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && console.error(`[browser console] ${msg.text()}`));
  return { context, page };
}

/** Signs in through the sign-in page. */
export async function signIn(page: Page, user: Pick<TestUser, 'username' | 'password'>, path = '/dang-nhap'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Tên đăng nhập').fill(user.username);
  await page.locator('input[type=password]').fill(user.password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/dang-nhap'));
}

/** A new page (its own context) signed in as `user`, then at `path` when given. */
export async function signedInPage(s: WebSuite, user: Pick<TestUser, 'username' | 'password'>, path?: string): Promise<{ context: BrowserContext; page: Page }> {
  const p = await newPage(s);
  await signIn(p.page, user);
  if (path) await p.page.goto(path);
  return p;
}

/** On a failure, a picture of every open page (in the temp folder) to see what the user saw. */
export async function pictureOnFailure(s: WebSuite): Promise<void> {
  let i = 0;
  for (const context of s.browser.contexts()) {
    for (const page of context.pages()) await page.screenshot({ path: join(tmpdir(), `eiso-failure-${++i}.png`), fullPage: true }).catch(() => undefined);
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}
