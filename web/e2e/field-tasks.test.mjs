// End-to-end: 我的任务 in the field app. The 锡山区 office issues a target to 东亭街道; the town's
// chief sees it on his phone, reports progress while offline, and comes back online: the
// server holds that report once and the task's progress rolls up.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { devices } from 'playwright-core';
import { launchBrowser, screenshot } from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';
import { PASSWORD, apiAs } from './api.mjs';

const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 180_000 };

describe('field app: my tasks', () => {
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

  test('a town chief reports progress on his task offline; it is stored once', when, async () => {
    const office = await apiAs(server.url, 'office.xishan');
    const task = await office('POST', '/api/v1/tasks', {
      id: crypto.randomUUID(), grid_code: '320205001', title: '东亭街道年度造林', kind: 'afforestation', amount: 500, deadline: '2026-12-31',
    });

    const context = await browser.newContext({ ...devices['Pixel 5'], baseURL: server.url, locale: 'zh-CN' });
    const phone = await context.newPage();
    phone.setDefaultTimeout(20_000);
    await phone.goto('/login?redirect=/field');
    await phone.getByTestId('login-username').fill('chief.dongting');
    await phone.getByTestId('login-password').fill(PASSWORD);
    await phone.getByTestId('login-submit').click();
    await phone.waitForURL(/\/field$/);
    const syncState = phone.getByTestId('field-sync-state');
    await syncState.filter({ hasText: '已同步' }).waitFor();

    await phone.getByTestId('field-tab-tasks').click();
    const card = phone.getByTestId('field-task').filter({ hasText: '东亭街道年度造林' });
    await card.waitFor();

    await context.setOffline(true);
    await card.getByTestId('field-task-report').click();
    const dialog = phone.getByTestId('field-task-dialog');
    await dialog.getByTestId('field-task-amount').locator('input').fill('120');
    await dialog.getByTestId('field-task-note').fill('北山造林120亩');
    await dialog.getByTestId('field-task-submit').click();
    await syncState.filter({ hasText: '待同步 1 条' }).waitFor();
    await screenshot(phone, 'field-tasks');

    await context.setOffline(false);
    await syncState.filter({ hasText: '已同步' }).waitFor({ timeout: 60_000 });
    const detail = await office('GET', `/api/v1/tasks/${task.task.id}`);
    assert.equal(detail.task.progress.done, 120);
    assert.equal(detail.reports.length, 1, 'one progress report');
    await context.close();
  });
});
