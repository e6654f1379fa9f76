// End-to-end: 东亭街道's office submits its report of the current quarter (季度工作进展) on the
// 报送 page, and 锡山区's office, the grid above, sees it turn from 待报送 to 已报送 on its board —
// against the real linzhang binary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialog, launchBrowser, login, newPage, screenshot, tableRows } from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';

const PASSWORD = 'Linzhang@2026';
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 180_000 };

/** The key of the quarter the server's day falls in, e.g. 2026-Q4. */
/** This quarter's key (`2026-Q4`) in the test's time zone, the city's (see the Makefile). */
function quarterKey(day) {
  return `${day.getFullYear()}-Q${Math.floor(day.getMonth() / 3) + 1}`;
}

describe('reports', () => {
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

  test('东亭街道 submits its quarterly report, 锡山区 sees it submitted', when, async () => {
    const title = `东亭街道季度工作进展 ${Date.now()}`;

    // 锡山区 sees the town's report of this quarter still due.
    const county = await newPage(browser, server.url);
    await login(county, 'office.xishan', PASSWORD);
    await county.waitForURL(/\/grids\/320205$/);
    await county.getByTestId('menu-reports').click();
    await county.waitForURL(/\/reports$/);
    const table = county.getByTestId('reports-table');
    await tableRows(table).first().waitFor();
    const key = quarterKey(new Date());
    const townRow = (page) => tableRows(page.getByTestId('reports-table')).filter({ hasText: '东亭街道' }).filter({ hasText: key });
    await townRow(county).waitFor();
    assert.equal((await townRow(county).getByTestId('report-status').innerText()).trim(), '待报送');
    assert.equal(await townRow(county).getByTestId('report-submit').count(), 0, 'the county does not report for the town');

    // The town submits it.
    const town = await newPage(browser, server.url);
    await login(town, 'office.dongting', PASSWORD);
    await town.waitForURL(/\/grids\/320205001$/);
    await town.getByTestId('menu-reports').click();
    await town.waitForURL(/\/reports$/);
    const mine = townRow(town);
    await mine.waitFor();
    await mine.getByTestId('report-submit').click();
    const form = dialog(town, 'report-submit-dialog');
    await form.waitFor();
    await form.getByTestId('report-title').fill(title);
    await form.getByTestId('report-body').fill('本季度完成巡林 36 次，整改问题 4 个。');
    await form.getByTestId('report-submit-save').click();
    await form.waitFor({ state: 'hidden' });
    await mine.getByTestId('report-status').filter({ hasText: '已报送' }).waitFor();
    await screenshot(town, 'report-submitted');
    await town.context().close();

    // The county's board shows it submitted.
    await county.reload();
    await townRow(county).getByTestId('report-status').filter({ hasText: '已报送' }).waitFor();
    assert.ok((await townRow(county).innerText()).includes(title));
    await screenshot(county, 'reports-board');
    await county.context().close();
  });
});
