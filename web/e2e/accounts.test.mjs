// End-to-end: the city admin manages accounts in the browser, without the API or the CLI —
// creates a department account (部门账号) for 市公安局 (without its department the form refuses,
// a weak temporary password the server refuses with its message, and nothing is stored), the
// new account signs in and must change its password, and the admin ends its sessions, locks
// and unlocks it, and gives it a new temporary password. An office does not see the page. Each step is checked against the real linzhang binary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, PASSWORD } from './api.mjs';
import { dialog, launchBrowser, login, newPage, pickPerson, screenshot, tableRows } from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';

const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 90_000 };

const USERNAME = 'dept.police.e2e';
const TEMPORARY = 'Jingwu#2026';

/** Picks the option with `text` of the Element Plus select `select`. */
async function choose(page, select, text) {
  await select.click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

/** Tries to log in over the API; answers `{ status, body }`. */
async function tryLogin(url, username, password) {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: r.status, body: await r.json() };
}

/** Confirms the open message box. */
async function confirm(page) {
  const box = page.locator('.el-message-box');
  await box.getByRole('button', { name: '确定' }).click();
  await box.waitFor({ state: 'hidden' });
}

describe('accounts', () => {
  let server;
  let browser;
  /** The admin over the API, to check what the browser stored. */
  let admin;

  before(async () => {
    if (missing) return;
    server = await startServer();
    browser = await launchBrowser();
    admin = await apiAs(server.url, 'admin');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The stored account `username`, if any. */
  async function stored(username) {
    return (await admin('GET', '/api/v1/users')).find((u) => u.username === username);
  }

  test('the admin creates a department account, which signs in; ends its sessions, locks and unlocks it', when, async () => {
    const page = await newPage(browser, server.url);
    await login(page, 'admin', PASSWORD);
    await page.waitForURL(/\/grids\//);
    await page.getByTestId('menu-accounts').click();
    await page.waitForURL(/\/settings\/accounts$/);
    const table = page.getByTestId('accounts-table');
    // The demo's accounts are listed with their role and grid.
    await tableRows(table).filter({ hasText: 'office.xishan' }).filter({ hasText: '林长办' }).filter({ hasText: '锡山区' }).waitFor();

    await page.getByTestId('account-new').click();
    const form = dialog(page, 'account-new-dialog');
    await form.waitFor();
    await form.getByTestId('account-grid').filter({ hasText: '无锡市' }).waitFor();
    assert.equal(await form.getByTestId('account-department').count(), 0, 'no department for a role that has none');
    await form.getByTestId('account-username-input').fill(USERNAME);
    await choose(page, form.getByTestId('account-role'), '成员单位');
    await form.getByTestId('account-department').waitFor();
    await form.getByTestId('account-password').fill(TEMPORARY);

    // Without its department: refused, and nothing is stored.
    await form.getByTestId('account-new-save').click();
    await form.locator('.el-form-item__error', { hasText: '部门账号须选择所属成员单位' }).waitFor();
    assert.ok(await form.isVisible(), 'the dialog stays open');
    assert.equal(await stored(USERNAME), undefined, 'nothing created without a department');

    // With it but a weak password: the server refuses with its reason, nothing is stored.
    await choose(page, form.getByTestId('account-department'), '市公安局');
    await form.getByTestId('account-password').fill('police2026');
    await form.getByTestId('account-new-save').click();
    await form.getByTestId('account-new-error').filter({ hasText: '密码至少8位' }).waitFor();
    assert.equal(await stored(USERNAME), undefined, 'nothing created with a weak password');

    await form.getByTestId('account-password').fill(TEMPORARY);
    await form.getByTestId('account-new-save').click();
    await form.waitFor({ state: 'hidden' });
    // The role filter leaves the department accounts: the demo's and the new one.
    await choose(page, page.getByTestId('account-role-filter'), '成员单位');
    await tableRows(table).filter({ hasText: USERNAME }).waitFor();
    const roles = await tableRows(table).locator('td:nth-child(2)').allInnerTexts();
    assert.ok(roles.length >= 2 && roles.every((r) => r.trim() === '成员单位'), JSON.stringify(roles));
    assert.equal(await tableRows(table).filter({ hasText: 'dept.nrp' }).count(), 1);
    await page.getByTestId('account-q').fill('police.e2e');
    const row = tableRows(table).filter({ hasText: USERNAME });
    await row.filter({ hasText: '市公安局' }).filter({ hasText: '待修改密码' }).waitFor();
    assert.equal(await tableRows(table).count(), 1, 'the text filter leaves the new account only');
    assert.match(await row.innerText(), /成员单位/);
    await screenshot(page, 'accounts');

    const made = await stored(USERNAME);
    assert.deepEqual(
      { role: made.role, grid: made.grid_code, department: made.department, must: made.must_change_password, disabled: made.disabled },
      { role: 'department', grid: '320200', department: 'police', must: true, disabled: false },
    );
    const first = await tryLogin(server.url, USERNAME, TEMPORARY);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.must_change_password, true, 'the temporary password must be changed');

    // Its sessions end: the token of that login is no longer taken.
    const me = () => fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${first.body.token}` } });
    const before = await me();
    assert.equal(before.status, 200);
    assert.equal((await before.json()).must_change_password, true);
    await row.getByTestId('account-revoke').click();
    await confirm(page);
    await page.locator('.el-message', { hasText: '已结束该账号的全部会话' }).waitFor();
    assert.equal((await me()).status, 401, 'the session has ended');

    // Locked: the login is refused.
    await row.getByTestId('account-lock').click();
    await confirm(page);
    await row.getByTestId('account-state').filter({ hasText: '已锁定' }).waitFor();
    const refused = await tryLogin(server.url, USERNAME, TEMPORARY);
    assert.deepEqual([refused.status, refused.body.code], [403, 'account_disabled']);
    assert.equal((await stored(USERNAME)).disabled, true);

    // Unlocked: it signs in again.
    await row.getByTestId('account-unlock').click();
    await confirm(page);
    await row.getByTestId('account-lock').waitFor();
    // The tag leaves with a transition.
    await row.locator('.el-tag', { hasText: '已锁定' }).waitFor({ state: 'detached' });
    assert.equal((await stored(USERNAME)).disabled, false);
    const again = await tryLogin(server.url, USERNAME, TEMPORARY);
    assert.equal(again.status, 200);

    // Forgotten: a new temporary password; the old one and the open session no longer work.
    await row.getByTestId('account-reset').click();
    const reset = page.getByTestId('account-reset-dialog');
    await reset.getByTestId('account-reset-password').fill('short');
    await reset.getByTestId('account-reset-save').click();
    await reset.getByTestId('account-reset-error').filter({ hasText: '密码至少8位' }).waitFor();
    await reset.getByTestId('account-reset-password').fill('Reset#2027x');
    await reset.getByTestId('account-reset-save').click();
    await reset.waitFor({ state: 'hidden' });
    const stale = await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${again.body.token}` } });
    assert.equal(stale.status, 401, 'the reset ends the sessions');
    assert.equal((await tryLogin(server.url, USERNAME, TEMPORARY)).status, 401);
    const fresh = await tryLogin(server.url, USERNAME, 'Reset#2027x');
    assert.deepEqual([fresh.status, fresh.body.must_change_password], [200, true]);
    await page.context().close();
  });

  test('a ranger account belongs to a registry person', when, async () => {
    const name = `护林员${Date.now() % 100000}`;
    const person = await admin('POST', '/api/v1/people', { name, phone: '13912345678', unit: '东亭街道', grid_code: '320205001001' });
    const page = await newPage(browser, server.url);
    await login(page, 'admin', PASSWORD);
    await page.waitForURL(/\/grids\//);
    await page.getByTestId('menu-accounts').click();
    await page.waitForURL(/\/settings\/accounts$/);
    await page.getByTestId('account-new').click();
    const form = dialog(page, 'account-new-dialog');
    await form.waitFor();
    await form.getByTestId('account-username-input').fill('ranger.e2e');
    await choose(page, form.getByTestId('account-role'), '护林员');
    await pickPerson(page, form, name);
    await form.getByTestId('account-password').fill(TEMPORARY);
    await form.getByTestId('account-new-save').click();
    await form.waitFor({ state: 'hidden' });
    const made = await stored('ranger.e2e');
    assert.deepEqual(
      [made.role, made.person_id, made.grid_code],
      ['ranger', person.id, '320205001001'],
      "the account is the person's own, at the person's grid",
    );
    await page.context().close();
  });

  test('an office has no account page', when, async () => {
    const page = await newPage(browser, server.url);
    await login(page, 'office.city', PASSWORD);
    await page.waitForURL(/\/grids\//);
    await page.getByTestId('menu-robots').waitFor();
    assert.equal(await page.getByTestId('menu-accounts').count(), 0, 'no account management in the menu');
    await page.goto('/settings/accounts');
    await page.waitForURL(/\/grids/);
    assert.equal(await page.getByTestId('accounts-table').count(), 0);
    await page.context().close();
  });
});
