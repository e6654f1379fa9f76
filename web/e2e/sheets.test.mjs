// End-to-end: a work contact sheet (林长工作联系单) that 锡山区 issued to 东亭街道 is answered there
// and closed by 锡山区 (件件有回音); a task broken down to towns shows its progress in the tree —
// against the real linzhang binary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialog, launchBrowser, login, newPage, screenshot, tableRows } from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';

const PASSWORD = 'Linzhang@2026';
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 180_000 };

/** A bearer token for an API call made outside the browser. */
async function token(url, username) {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `login ${username}`);
  return (await r.json()).token;
}

describe('contact sheets and tasks', () => {
  let server;
  let browser;

  before(async () => {
    if (missing) return;
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('东亭街道 answers a sheet from 锡山区, which closes it', when, async () => {
    const title = `林地内违建核查 ${Date.now()}`;
    const county = await token(server.url, 'office.xishan');
    const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const id = crypto.randomUUID();
    const created = await fetch(`${server.url}/api/v1/contact-sheets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${county}` },
      body: JSON.stringify({
        id,
        title,
        body: '群众举报东亭一村林地内新建彩钢棚，请核查处理并回复。',
        source: 'public_report',
        addressee_grid: '320205001',
        deadline,
      }),
    });
    assert.equal(created.status, 201);

    // The town answers it.
    const page = await newPage(browser, server.url);
    await login(page, 'office.dongting', PASSWORD);
    await page.waitForURL(/\/grids\/320205001$/);
    await page.getByTestId('menu-sheets').click();
    await page.waitForURL(/\/contact-sheets$/);
    const row = tableRows(page.getByTestId('sheets-table')).filter({ hasText: title });
    await row.waitFor();
    assert.equal((await row.getByTestId('sheet-state').innerText()).trim(), '已交办');
    assert.equal(await row.getByTestId('sheet-close').count(), 0, 'the addressee cannot close');
    await row.getByTestId('sheet-answer').click();
    const form = dialog(page, 'sheet-answer-dialog');
    await form.waitFor();
    await form.getByTestId('sheet-answer-text').fill('已拆除彩钢棚并完成复绿');
    await form.getByTestId('sheet-answer-save').click();
    await form.waitFor({ state: 'hidden' });
    await row.getByTestId('sheet-state').filter({ hasText: '已回复' }).waitFor();
    await screenshot(page, 'sheet-answered');
    await page.context().close();

    // The county closes it.
    const xishan = await newPage(browser, server.url);
    await login(xishan, 'office.xishan', PASSWORD);
    await xishan.waitForURL(/\/grids\/320205$/);
    await xishan.getByTestId('menu-sheets').click();
    await xishan.waitForURL(/\/contact-sheets$/);
    const mine = tableRows(xishan.getByTestId('sheets-table')).filter({ hasText: title });
    await mine.waitFor();
    await mine.getByTestId('sheet-close').click();
    await mine.getByTestId('sheet-state').filter({ hasText: '已办结' }).waitFor();
    await screenshot(xishan, 'sheet-closed');
    await xishan.context().close();

    const detail = await (
      await fetch(`${server.url}/api/v1/contact-sheets/${id}`, { headers: { authorization: `Bearer ${county}` } })
    ).json();
    assert.deepEqual(
      detail.events.map((e) => e.action),
      ['issue', 'answer', 'close'],
    );
    assert.equal(detail.sheet.answer, '已拆除彩钢棚并完成复绿');
  });

  test('锡山区 sees its task tree with the towns\' progress', when, async () => {
    const county = await token(server.url, 'office.xishan');
    const town = await token(server.url, 'office.dongting');
    const call = async (bearer, path, body) => {
      const r = await fetch(`${server.url}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: await r.json() };
    };
    const title = `森林抚育 ${Date.now()}`;
    const deadline = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    const root = crypto.randomUUID();
    const dongting = crypto.randomUUID();
    assert.equal((await call(county, '/tasks', { id: root, grid_code: '320205', title, kind: 'tending', amount: 1000, deadline })).status, 201);
    const parts = [{ id: dongting, grid_code: '320205001', amount: 400 }];
    assert.equal((await call(county, `/tasks/${root}/breakdown`, { parts })).status, 200);
    const over = await call(county, `/tasks/${root}/breakdown`, { parts: [{ id: crypto.randomUUID(), grid_code: '320205002', amount: 700 }] });
    assert.equal(over.body.code, 'breakdown_exceeds');
    assert.equal((await call(town, `/tasks/${dongting}/progress`, { id: crypto.randomUUID(), amount: 100 })).status, 201);

    const page = await newPage(browser, server.url);
    await login(page, 'office.xishan', PASSWORD);
    await page.waitForURL(/\/grids\/320205$/);
    await page.getByTestId('menu-tasks').click();
    await page.waitForURL(/\/tasks$/);
    const rows = tableRows(page.getByTestId('tasks-table')).filter({ hasText: title });
    await rows.nth(1).waitFor();
    assert.match(await rows.nth(0).innerText(), /10%/, 'the county: 100 of 1,000');
    assert.match(await rows.nth(1).innerText(), /东亭街道[\s\S]*25%/, 'the town: 100 of 400');
    await screenshot(page, 'task-tree');
    await page.context().close();
  });
});
