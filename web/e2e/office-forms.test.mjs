// End-to-end: the 锡山区 chief office does its paperwork in the browser, without the API —
// issues a task and breaks it down to the towns (an over-sum breakdown is refused with the
// server's message), writes a contact sheet by hand, records an inspection whose finding
// becomes a contact sheet and circulates the result, and configures a group-chat robot. Each
// step is checked against what the real linzhang binary stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, PASSWORD } from './api.mjs';
import { dialog, launchBrowser, login, newPage, screenshot, tableRows } from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';

const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 120_000 };

/** YYYY-MM-DD `days` from now. */
function inDays(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Picks the option with `text` of the Element Plus select `select`. */
async function choose(page, select, text) {
  await select.click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

/**
 * Picks grid `code` in the grid select inside `scope`, opening `parents` (codes, from the
 * root of the user's scope) on the way.
 */
async function pickGrid(page, scope, code, parents = []) {
  await scope.locator('.el-select__wrapper').click();
  const drop = page.locator('.el-select-dropdown:visible, .el-tree-select__popper:visible').last();
  for (const p of parents) {
    const node = drop.locator('.el-tree-node', { has: page.locator(`[data-grid-code="${p}"]`) }).first();
    await node.waitFor();
    if ((await node.getAttribute('aria-expanded')) !== 'true') {
      await node.locator(':scope > .el-tree-node__content .el-tree-node__expand-icon').click();
    }
  }
  await drop.locator(`[data-grid-code="${code}"]`).click();
}

/** The text input of the Element Plus field with `testid` (on the input itself or around it). */
function inputOf(scope, testid) {
  return scope.locator(`input[data-testid="${testid}"], [data-testid="${testid}"] input`).first();
}

/** Types a date into the date picker with `testid` inside `scope` and confirms it. */
async function typeDate(scope, testid, date) {
  const input = inputOf(scope, testid);
  await input.fill(date);
  await input.press('Enter');
  assert.equal(await input.inputValue(), date);
}

/** A page of its own, signed in as the 锡山区 office. */
async function officePage(browser, url) {
  const page = await newPage(browser, url);
  await login(page, 'office.xishan', PASSWORD);
  await page.waitForURL(/\/grids\/320205$/);
  return page;
}

describe('office forms', () => {
  let server;
  let browser;
  /** The 锡山区 office over the API, to check what the browser stored. */
  let county;
  /** The towns of 锡山区 (the children of 320205). */
  let towns;

  before(async () => {
    if (missing) return;
    server = await startServer();
    browser = await launchBrowser();
    county = await apiAs(server.url, 'office.xishan');
    towns = (await county('GET', '/api/v1/grids/320205')).children;
    assert.ok(towns.length >= 2, '锡山区 has towns');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('锡山区 issues a task and breaks it down; an over-sum breakdown is refused', when, async () => {
    const page = await officePage(browser, server.url);
    const title = `森林抚育任务 ${Date.now()}`;
    const [a, b] = towns;
    await page.getByTestId('menu-tasks').click();
    await page.waitForURL(/\/tasks$/);
    await page.getByTestId('task-new').click();
    const form = dialog(page, 'task-new-dialog');
    await form.waitFor();
    // The issuing grid is the office's own by default.
    await form.getByTestId('task-grid').filter({ hasText: '锡山区' }).waitFor();
    await choose(page, form.getByTestId('task-kind'), '森林抚育');
    assert.equal((await form.getByTestId('task-unit').innerText()).trim(), '亩', 'the unit comes with the kind');
    await form.getByTestId('task-title-input').fill(title);
    await inputOf(form, 'task-amount').fill('1000');
    await typeDate(form, 'task-deadline', inDays(120));
    await form.getByTestId('task-new-save').click();
    await form.waitFor({ state: 'hidden' });
    const row = tableRows(page.getByTestId('tasks-table')).filter({ hasText: title });
    await row.waitFor();

    const stored = (await county('GET', '/api/v1/tasks')).filter((x) => x.title === title);
    assert.equal(stored.length, 1);
    assert.deepEqual(
      { grid: stored[0].grid_code, kind: stored[0].kind, amount: stored[0].amount, unit: stored[0].unit, deadline: stored[0].deadline },
      { grid: '320205', kind: 'tending', amount: 1000, unit: '亩', deadline: inDays(120) },
    );

    // Too much for the towns: the live sum says so, and the server refuses with its message.
    await row.getByTestId('task-split').click();
    const split = dialog(page, 'task-split-dialog');
    await split.waitFor();
    await split.getByTestId(`task-split-amount-${a.code}`).fill('600');
    await split.getByTestId(`task-split-amount-${b.code}`).fill('500');
    await split.getByTestId('task-split-over').waitFor();
    assert.match(await split.getByTestId('task-split-sum').innerText(), /1,100[\s\S]*1,000/);
    await split.getByTestId('task-split-save').click();
    const refusal = split.getByTestId('task-split-error');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /超过上级任务目标[\s\S]*add up to 1100, more than the parent's 1000/);
    await screenshot(page, 'task-breakdown-refused');
    const after1 = await county('GET', `/api/v1/tasks/${stored[0].id}`);
    assert.equal(after1.children.length, 0, 'nothing was broken down');

    // Within the target: 600 + 300.
    await split.getByTestId(`task-split-amount-${b.code}`).fill('300');
    await split.getByTestId('task-split-over').waitFor({ state: 'hidden' });
    await split.getByTestId('task-split-save').click();
    await split.waitFor({ state: 'hidden' });
    await tableRows(page.getByTestId('tasks-table')).filter({ hasText: title }).nth(2).waitFor();

    const detail = await county('GET', `/api/v1/tasks/${stored[0].id}`);
    assert.deepEqual(
      detail.children.map((c) => [c.grid_code, c.amount]).sort(),
      [
        [a.code, 600],
        [b.code, 300],
      ].sort(),
    );
    assert.equal(detail.task.progress.shortfall, 100);
    await page.context().close();
  });

  test('锡山区 writes a contact sheet by hand to 东亭街道', when, async () => {
    const page = await officePage(browser, server.url);
    const title = `林区违规用火排查 ${Date.now()}`;
    const deadline = inDays(10);
    await page.getByTestId('menu-sheets').click();
    await page.waitForURL(/\/contact-sheets$/);
    await page.getByTestId('sheet-new').click();
    const form = dialog(page, 'sheet-new-dialog');
    await form.waitFor();
    await form.getByTestId('sheet-new-title').fill(title);
    await form.getByTestId('sheet-new-body').fill('请于清明前完成辖区林区违规用火排查并回复。');
    await pickGrid(page, form.getByTestId('sheet-new-grid'), '320205001', ['320205']);
    await form.getByTestId('sheet-new-grid').filter({ hasText: '东亭街道' }).waitFor();
    await typeDate(form, 'sheet-new-deadline', deadline);
    await form.getByTestId('sheet-new-save').click();
    await form.waitFor({ state: 'hidden' });
    const row = tableRows(page.getByTestId('sheets-table')).filter({ hasText: title });
    await row.waitFor();
    assert.equal((await row.getByTestId('sheet-state').innerText()).trim(), '已交办');

    const stored = (await county('GET', '/api/v1/contact-sheets')).find((s) => s.title === title);
    assert.ok(stored, 'the sheet is stored');
    assert.deepEqual(
      { source: stored.source, issuer: stored.issuer_grid, to: stored.addressee_grid, deadline: stored.deadline, body: stored.body },
      { source: 'manual', issuer: '320205', to: '320205001', deadline, body: '请于清明前完成辖区林区违规用火排查并回复。' },
    );
    // The town sees it on its side.
    const town = await apiAs(server.url, 'office.dongting');
    assert.ok((await town('GET', '/api/v1/contact-sheets')).some((s) => s.id === stored.id && s.caller.answers));
    await page.context().close();
  });

  test('锡山区 records an inspection, turns its finding into a sheet and circulates the result', when, async () => {
    const page = await officePage(browser, server.url);
    const title = `春季森林防火暗访 ${Date.now()}`;
    const findingText = '东亭街道某林区入口未设置防火宣传牌';
    await page.getByTestId('menu-inspections').click();
    await page.waitForURL(/\/inspections$/);
    await page.getByTestId('inspection-new').click();
    const form = dialog(page, 'inspection-new-dialog');
    await form.waitFor();
    await form.getByTestId('inspection-kind').locator('.el-radio').filter({ hasText: '暗访' }).click();
    await form.getByTestId('inspection-title').fill(title);
    await pickGrid(page, form.getByTestId('inspection-grid'), '320205001', ['320205']);
    await typeDate(form, 'inspection-date', inDays(-1));
    await form.getByTestId('inspection-inspectors').fill('张三、李四');
    await form.getByTestId('inspection-finding-0').fill(findingText);
    await form.getByTestId('inspection-finding-add').click();
    await form.getByTestId('inspection-finding-1').fill('巡护记录不全');
    await form.getByTestId('inspection-new-save').click();
    await form.waitFor({ state: 'hidden' });

    // The new inspection opens in the drawer; its first finding becomes a sheet.
    const drawer = page.locator('.el-drawer', { hasText: title });
    await drawer.waitFor();
    const first = drawer.getByTestId('inspection-finding').nth(0);
    await first.getByTestId('inspection-finding-to-sheet').click();
    const sheetForm = dialog(page, 'finding-sheet-dialog');
    await sheetForm.waitFor();
    assert.equal(await sheetForm.getByTestId('finding-sheet-title').inputValue(), findingText);
    await typeDate(sheetForm, 'finding-sheet-deadline', inDays(15));
    await sheetForm.getByTestId('finding-sheet-save').click();
    await sheetForm.waitFor({ state: 'hidden' });
    await first.getByTestId('inspection-finding-sheet').filter({ hasText: '已交办' }).waitFor();
    assert.equal(await drawer.getByTestId('inspection-finding').nth(1).getByTestId('inspection-finding-to-sheet').count(), 1);

    await drawer.getByTestId('inspection-drawer-circulate').click();
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
    await drawer.getByText('已通报').first().waitFor();
    await screenshot(page, 'inspection-circulated');
    await drawer.locator('.el-drawer__close-btn').click();
    const row = tableRows(page.getByTestId('inspections-table')).filter({ hasText: title });
    await row.getByTestId('inspection-circulated').waitFor();
    assert.equal((await row.getByTestId('inspection-finding-count').innerText()).trim(), '2 条 · 已转 1 单');
    assert.equal(await row.getByTestId('inspection-circulate').count(), 0, 'circulated once only');

    const stored = (await county('GET', '/api/v1/inspections')).find((i) => i.title === title);
    assert.ok(stored, 'the inspection is stored');
    assert.equal(stored.kind, 'unannounced');
    assert.equal(stored.target_grid, '320205001');
    assert.equal(stored.inspected_on, inDays(-1));
    assert.deepEqual(stored.inspectors, ['张三', '李四']);
    assert.deepEqual(stored.findings.map((f) => f.text), [findingText, '巡护记录不全']);
    assert.ok(stored.circulated_at, 'circulated');
    assert.equal(stored.findings[1].sheet_id ?? null, null);
    const sheet = await county('GET', `/api/v1/contact-sheets/${stored.findings[0].sheet_id}`);
    assert.deepEqual(
      { source: sheet.sheet.source, from: sheet.sheet.source_id, to: sheet.sheet.addressee_grid, deadline: sheet.sheet.deadline },
      { source: 'inspection', from: `${stored.id}#0`, to: '320205001', deadline: inDays(15) },
    );
    await page.context().close();
  });

  test('锡山区 adds a robot, sees it and its delivery log, and deletes it', when, async () => {
    const page = await officePage(browser, server.url);
    const name = `锡山区林长办工作群 ${Date.now()}`;
    await page.getByTestId('menu-robots').click();
    await page.waitForURL(/\/settings\/robots$/);
    await page.getByTestId('robot-new').click();
    const form = dialog(page, 'robot-new-dialog');
    await form.waitFor();
    await form.getByTestId('robot-grid').filter({ hasText: '锡山区' }).waitFor();
    await form.getByTestId('robot-kind').locator('.el-radio').filter({ hasText: '钉钉' }).click();
    await form.getByTestId('robot-name').fill(name);
    // Nothing listens there: the deliveries fail and are logged.
    await form.getByTestId('robot-url').fill('http://127.0.0.1:9/robot/send?access_token=e2e-secret-token');
    await form.getByTestId('robot-secret').fill('SECe2e');
    await form.getByTestId('robot-new-save').click();
    await form.waitFor({ state: 'hidden' });
    const row = tableRows(page.getByTestId('robots-table')).filter({ hasText: name });
    await row.waitFor();
    const shown = await row.innerText();
    assert.match(shown, /钉钉/);
    assert.match(shown, /已加签/);
    assert.ok(!shown.includes('e2e-secret-token'), 'the robot key is not shown');

    let stored = (await county('GET', '/api/v1/webhooks')).find((w) => w.name === name);
    assert.ok(stored, 'the robot is stored');
    assert.deepEqual(
      { grid: stored.grid_code, kind: stored.kind, signed: stored.signed },
      { grid: '320205', kind: 'dingtalk', signed: true },
    );

    // A test message lands in its delivery log.
    await row.getByTestId('robot-test').click();
    const log = page.locator('.el-drawer', { hasText: name });
    await log.waitFor();
    const delivery = tableRows(log.getByTestId('deliveries-table')).filter({ hasText: '测试消息' });
    await delivery.waitFor();
    // The first attempt is made at once and fails (nothing listens): refresh until the log says so.
    const error = delivery.getByTestId('delivery-error');
    for (let i = 0; i < 40 && !(await error.isVisible()); i++) {
      await page.waitForTimeout(250);
      await log.getByTestId('robot-log-refresh').click();
    }
    await error.waitFor();
    const deliveries = await county('GET', `/api/v1/webhooks/${stored.id}/deliveries`);
    assert.equal(deliveries.length, 1);
    assert.match(deliveries[0].title, /测试消息/);
    assert.ok(deliveries[0].attempts >= 1 && deliveries[0].last_error, JSON.stringify(deliveries[0]));
    assert.equal((await error.innerText()).trim(), deliveries[0].last_error.trim());
    assert.ok(!deliveries[0].last_error.includes('e2e-secret-token'), `the robot key stays out of the log: ${deliveries[0].last_error}`);
    assert.equal((await delivery.getByTestId('delivery-state').innerText()).trim(), deliveries[0].state === 'failed' ? '已放弃' : '待发送');
    await screenshot(page, 'robot-deliveries');
    await log.locator('.el-drawer__close-btn').click();

    await row.getByTestId('robot-delete').click();
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
    await row.waitFor({ state: 'detached' });
    stored = (await county('GET', '/api/v1/webhooks')).find((w) => w.name === name);
    assert.equal(stored, undefined, 'the robot is gone');
    await page.context().close();
  });

  test('a technician sees the lists without the forms; robots are for offices', when, async () => {
    const page = await newPage(browser, server.url);
    await login(page, 'tech.xishan', PASSWORD);
    await page.waitForURL(/\/grids\/320205$/);
    await page.getByTestId('menu-inspections').waitFor();
    assert.equal(await page.getByTestId('menu-robots').count(), 0, 'no robot settings in the menu');
    for (const [path, table, button] of [
      ['/tasks', 'tasks-table', 'task-new'],
      ['/contact-sheets', 'sheets-table', 'sheet-new'],
      ['/inspections', 'inspections-table', 'inspection-new'],
    ]) {
      await page.goto(path);
      await page.getByTestId(table).waitFor();
      assert.equal(await page.getByTestId(button).count(), 0, `no ${button} on ${path}`);
    }
    assert.equal(await page.getByTestId('task-split').count(), 0);
    await page.goto('/settings/robots');
    await page.waitForURL(/\/grids/);
    await page.context().close();
  });
});
