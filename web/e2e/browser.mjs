// Debian's Chromium driven by playwright-core (no browser download).
import assert from 'node:assert/strict';
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
      // WebGL (the one map) on the CPU: SwiftShader, which newer Chromium enables only when asked.
      '--enable-unsafe-swiftshader',
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

/** An Element Plus dialog by its `data-testid` (the attribute lands on the dialog box). */
export function dialog(page, testid) {
  return page.locator(`.el-dialog[data-testid="${testid}"]`);
}

/** The body rows of an Element Plus table. */
export function tableRows(table) {
  return table.locator('.el-table__body tr.el-table__row');
}

/**
 * Searches the person select inside `scope` for `name` and picks the one matching entry. The
 * list first shows everyone and then the search result, so wait until it lists only that person.
 */
export async function pickPerson(page, scope, name) {
  const input = scope.getByTestId('person-select').locator('input');
  await input.click();
  await input.fill(name);
  const items = page.locator('.el-select-dropdown__item:visible');
  const deadline = Date.now() + 15_000;
  let texts = [];
  while (Date.now() < deadline) {
    texts = await items.allInnerTexts();
    if (texts.length === 1 && texts[0].includes(name)) break;
    await page.waitForTimeout(100);
  }
  assert.equal(texts.length, 1, `the search for ${name} lists exactly one person: ${JSON.stringify(texts)}`);
  assert.ok(texts[0].includes(name), texts[0]);
  await items.filter({ hasText: name }).click();
  await scope.getByTestId('person-select').filter({ hasText: name }).waitFor();
}

/** Types a `YYYY-MM-DD` date into the date picker inside `scope` and confirms it. */
export async function setDate(scope, date) {
  const input = scope.locator('.el-date-editor input');
  await input.fill(date);
  await input.press('Enter');
  assert.equal(await input.inputValue(), date);
}

/** The value shown by the date picker inside `scope`. */
export function dateValue(scope) {
  return scope.locator('.el-date-editor input').inputValue();
}

/**
 * Registers a person on the people page (the new-person form) at the user's own grid and
 * waits until the list shows them.
 */
export async function createPerson(page, { name, phone, unit }) {
  await page.goto('/people');
  await page.getByTestId('people-create').click();
  const form = dialog(page, 'people-create-dialog');
  await form.waitFor();
  await form.getByTestId('person-name').fill(name);
  await form.getByTestId('person-phone').fill(phone);
  await form.getByTestId('person-unit').fill(unit);
  await form.getByTestId('person-save').click();
  await form.waitFor({ state: 'hidden' });
  await tableRows(page.getByTestId('people-table')).filter({ hasText: name }).waitFor();
}
