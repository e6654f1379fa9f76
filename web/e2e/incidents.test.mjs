// End-to-end: an incident (事件) reported at 东亭街道 by its office, accepted there and escalated
// to 锡山区, which then sees it in its own list — against the real linzhang binary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialog, launchBrowser, login, newPage, screenshot, tableRows } from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';

const PASSWORD = 'Linzhang@2026';
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 180_000 };

describe('incidents', () => {
  let server;
  let browser;

  before(async () => {
    if (missing) return;
    server = await startServer();
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

  test('东亭街道 reports, accepts and escalates an incident; 锡山区 sees it', when, async () => {
    const title = `东亭街道山林冒烟 ${Date.now()}`;

    const page = await newPage(browser, server.url);
    await login(page, 'office.dongting', PASSWORD);
    await page.waitForURL(/\/grids\/320205001$/);
    await page.getByTestId('menu-incidents').click();
    await page.waitForURL(/\/incidents$/);

    // Report it through the form; the grid defaults to the user's own (东亭街道).
    await page.getByTestId('incident-report').click();
    const form = dialog(page, 'incident-report-dialog');
    await form.waitFor();
    await form.getByTestId('incident-kind').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '森林火情' }).click();
    await form.getByTestId('incident-title').fill(title);
    await form.getByTestId('incident-description').fill('东亭街道北侧山林发现烟点');
    await form.getByTestId('incident-report-save').click();
    await form.waitFor({ state: 'hidden' });

    const table = page.getByTestId('incidents-table');
    const row = tableRows(table).filter({ hasText: title });
    await row.waitFor();
    assert.ok((await row.innerText()).includes('东亭街道'), 'reported at 东亭街道');
    assert.equal((await row.getByTestId('incident-state').innerText()).trim(), '已上报');
    await row.getByTestId('incident-urgent').filter({ hasText: '急' }).waitFor();

    // Open it and accept it.
    await row.getByTestId('incident-link').click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    await page.getByTestId('incident-title').filter({ hasText: title }).waitFor();
    await page.getByTestId('incident-action-accept').click();
    await page.getByTestId('incident-state').filter({ hasText: '已受理' }).waitFor();
    await page.getByTestId('incident-event').filter({ hasText: '受理' }).first().waitFor();

    // Escalate it with a reason: it leaves 东亭街道's scope, so the app says so and goes back.
    await page.getByTestId('incident-action-escalate').click();
    const escalate = dialog(page, 'incident-action-dialog');
    await escalate.waitFor();
    await escalate.getByTestId('incident-action-text').fill('火势较大，需区级统一调度');
    await escalate.getByTestId('incident-action-save').click();
    await page.locator('.el-message', { hasText: '事件已上报上级林长，不在您的管辖范围内' }).waitFor();
    await page.waitForURL(/\/incidents$/);
    await page.context().close();

    // 锡山区 sees it, escalated to it.
    const xishan = await newPage(browser, server.url);
    await login(xishan, 'office.xishan', PASSWORD);
    await xishan.waitForURL(/\/grids\/320205$/);
    await xishan.goto('/incidents');
    const theirs = tableRows(xishan.getByTestId('incidents-table')).filter({ hasText: title });
    await theirs.waitFor();
    assert.equal((await theirs.getByTestId('incident-state').innerText()).trim(), '已上报上级林长');
    assert.ok((await theirs.innerText()).includes('锡山区'), 'now at 锡山区');
    await screenshot(xishan, 'incidents');

    // The timeline shows the move between the grids.
    await theirs.getByTestId('incident-link').click();
    await xishan.getByTestId('incident-title').filter({ hasText: title }).waitFor();
    const move = xishan.getByTestId('incident-event-move').filter({ hasText: '东亭街道 → 锡山区' });
    await move.waitFor();
    await xishan.getByTestId('incident-event').filter({ hasText: '火势较大，需区级统一调度' }).waitFor();
    await xishan.context().close();
  });

  test('an SOS from a ranger pops up live in the 锡山区 office', when, async () => {
    const page = await newPage(browser, server.url);
    await login(page, 'office.xishan', PASSWORD);
    await page.getByTestId('notice-bell').waitFor();

    // The ranger's phone reports over the API with a bearer token.
    const r = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ranger.dongting', password: PASSWORD }),
    });
    const { token } = await r.json();
    const me = await (await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json();
    const title = `一键求助 ${Date.now()}`;
    const sos = await fetch(`${server.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        id: crypto.randomUUID(), grid_code: me.grid_code, kind: 'sos', priority: 'urgent',
        title, description: '扭伤脚踝，需要救援', lon: 120.36, lat: 31.6,
      }),
    });
    assert.equal(sos.status, 201);

    const notice = page.locator('.lz-live-notice', { hasText: title });
    await notice.waitFor({ timeout: 15_000 });
    await screenshot(page, 'sos-live-notice');
    await page.getByTestId('notice-bell').click();
    await page.getByTestId('notice-list').getByText(title).first().waitFor();
  });
});
