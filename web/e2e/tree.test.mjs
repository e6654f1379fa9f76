// End-to-end: the built web app served by the real linzhang binary, driven in Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expandNode, launchBrowser, login, newPage, screenshot, treeNode } from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';

const PASSWORD = 'Linzhang@2026';
/** An account with a temporary password, added for the password-change test. */
const TEMPORARY = { name: 'e2e.office', role: 'office', grid: '320205', password: 'Temp@2026abc', temporary: true };
/** An account that the lock test locks with wrong passwords. */
const LOCKED = { name: 'e2e.locked', role: 'ranger', grid: '320205001001', password: 'Lock@2026abc' };
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
/** Each test is skipped (and counted as such) when there is no binary to test. */
const when = { skip: missing ?? false, timeout: 180_000 };

describe('grid tree', () => {
  let server;
  let browser;

  before(async () => {
    if (missing) return;
    server = await startServer({ users: [TEMPORARY, LOCKED] });
    const index = await (await fetch(server.url)).text();
    if (!index.includes('id="app"')) {
      throw new Error(`${server.url}/ does not serve the web app: build web/ (npm run build) before the binary`);
    }
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('admin opens a village of 东亭街道 from the tree', when, async () => {
    const page = await newPage(browser, server.url);
    await login(page, 'admin', PASSWORD);
    await page.waitForURL(/\/grids\/320200$/);

    await expandNode(page, '320200');
    await expandNode(page, '320205');
    await expandNode(page, '320205001');

    const village = page
      .getByTestId('grid-tree')
      .locator('[data-grid-code^="320205001"]:not([data-grid-code="320205001"])')
      .first();
    const code = await village.getAttribute('data-grid-code');
    assert.match(code ?? '', /^\d{12}$/, 'a village has a 12-digit code');
    const label = (await village.innerText()).trim();
    await village.click();
    await page.waitForURL(new RegExp(`/grids/${code}$`));

    const detail = page.getByTestId('grid-detail');
    await detail.getByTestId('grid-level').filter({ hasText: '村级' }).waitFor();
    const name = (await detail.getByTestId('grid-name').innerText()).trim();
    assert.ok(name.length > 0, 'the grid has a name');
    assert.equal(name, label, 'the detail shows the grid that was clicked');

    const chiefRows = detail.getByTestId('posts-table').locator('.el-table__body tr.el-table__row').filter({ hasText: '林长' });
    await chiefRows.first().waitFor();
    assert.ok((await chiefRows.count()) >= 1, 'at least one 林长 post');

    await screenshot(page, 'tree-village');
    await page.context().close();
  });

  test('a town chief sees only their own town', when, async () => {
    const page = await newPage(browser, server.url);
    await login(page, 'chief.dongting', PASSWORD);
    await page.waitForURL(/\/grids\/320205001$/);

    const roots = page.getByTestId('grid-tree').locator(':scope > .el-tree-node > .el-tree-node__content [data-grid-code]');
    await roots.first().waitFor();
    assert.deepEqual(await roots.evaluateAll((els) => els.map((e) => e.getAttribute('data-grid-code'))), ['320205001']);
    assert.equal(await treeNode(page, '320200').count(), 0, 'the city is out of scope');
    assert.equal(await page.getByTestId('grid-name').innerText(), '东亭街道');

    await page.goto('/grids/320205002'); // 安镇街道, a sibling town
    const notFound = page.getByTestId('grid-not-found');
    await notFound.waitFor();
    assert.match(await notFound.innerText(), /网格不存在/);
    assert.equal(await page.getByTestId('grid-name').count(), 0);
    await screenshot(page, 'tree-out-of-scope');
    await page.context().close();
  });

  test('a wrong password is answered in Chinese', when, async () => {
    const username = 'office.city';
    const page = await newPage(browser, server.url);
    await page.goto('/login');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill('Wrong@2026y');
    const error = page.getByTestId('login-error');
    assert.equal(await error.count(), 0, 'no message before submitting');

    // The message follows the server's real answer: a 401 `invalid_credentials`.
    const [res] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/login'),
      page.getByTestId('login-submit').click(),
    ]);
    assert.equal(res.status(), 401);
    const body = await res.json();
    assert.equal(body.code, 'invalid_credentials');
    assert.ok(body.message && body.message !== '用户名或密码错误', 'the server answers in English');

    await error.waitFor();
    assert.equal((await error.innerText()).trim(), '用户名或密码错误');
    assert.match(page.url(), /\/login/);
    await screenshot(page, 'login-wrong-password');
    await page.context().close();
  });

  test('a locked account is told until when, in local time', when, async () => {
    const username = LOCKED.name;
    const attempt = () =>
      fetch(new URL('/api/v1/auth/login', server.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password: 'Wrong@2026x' }),
      });
    // Wrong passwords until the next one locks the account (five in a row).
    for (let i = 0; i < 4; i++) assert.equal((await attempt()).status, 401);

    const page = await newPage(browser, server.url);
    await page.goto('/login');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill('Wrong@2026y');
    const [res] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/login'),
      page.getByTestId('login-submit').click(),
    ]);
    const body = await res.json();
    assert.equal(body.code, 'account_locked', JSON.stringify(body));
    const until = body.message.match(/\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})/);
    assert.ok(until, `the server says until when: ${body.message}`);
    const d = new Date(until[0]);
    const p = (n) => String(n).padStart(2, '0');
    const local = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;

    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.equal((await error.innerText()).trim(), `登录失败次数过多，账号已锁定，请于 ${local} 后再试`);
    await screenshot(page, 'login-locked');
    await page.context().close();
  });

  test('a temporary password must be changed before anything else', when, async () => {
    const page = await newPage(browser, server.url);
    await login(page, TEMPORARY.name, TEMPORARY.password);
    const form = page.getByTestId('password-form');
    await form.waitFor();
    // The server refuses the app's API until the password is changed.
    const blocked = await page.evaluate(async () => (await fetch('/api/v1/grids')).json());
    assert.equal(blocked.code, 'password_change_required');

    await form.locator('input[name="new_password"]').fill('Forest#2027xy');
    await form.locator('input[name="confirm_password"]').fill('Forest#2027xy');
    await screenshot(page, 'password-change');
    await page.getByTestId('password-submit').click();
    await page.waitForURL(/\/grids\/320205$/);
    assert.equal(await page.getByTestId('grid-name').innerText(), '锡山区');
    assert.match(await page.getByTestId('current-user').innerText(), /e2e\.office/);
    await page.context().close();
  });
});
