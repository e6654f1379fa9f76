// Debian's Chromium driven by playwright-core (no browser download).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { webDir } from './server.mjs';

export const resultsDir = path.join(webDir, 'test-results');

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh context (own cookies and storage) with one page on `baseURL`. */
export async function newPage(browser, baseURL) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

export async function login(page, username, password) {
  await page.goto('/login');
  // Element Plus puts data-testid on the <input> itself.
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

export async function screenshot(page, name) {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.png`);
  // Let Element Plus' enter transitions finish so that the picture shows the settled page.
  await page.waitForTimeout(400);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The tree label of a grid (`data-grid-code`). */
export function treeNode(page, code) {
  return page.getByTestId('grid-tree').locator(`[data-grid-code="${code}"]`);
}

/**
 * Expands a tree node unless it is open or opening already (the app opens a single root by
 * itself), then waits until its children are shown.
 */
export async function expandNode(page, code) {
  const label = treeNode(page, code);
  await label.waitFor();
  const item = label.locator('xpath=ancestor::div[contains(concat(" ", @class, " "), " el-tree-node ")][1]');
  const child = item.locator(':scope > .el-tree-node__children [data-grid-code]').first();
  const loading = item.locator(':scope > .el-tree-node__content .is-loading');
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await child.isVisible()) return;
    const expanded = (await item.getAttribute('aria-expanded')) === 'true';
    if (!expanded && (await loading.count()) === 0) await label.click();
    try {
      await child.waitFor({ timeout: 5_000 });
      return;
    } catch {
      // Not open yet: look again.
    }
  }
  await child.waitFor();
}
