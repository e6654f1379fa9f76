// End-to-end: the chief office of 锡山区 manages the organisation of a village of 东亭街道 through
// the grid page (appointments, posts, staff), against the real linzhang binary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPerson,
  dateValue,
  dialog,
  launchBrowser,
  login,
  newPage,
  pickPerson,
  screenshot,
  setDate,
  tableRows,
} from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';

const PASSWORD = 'Linzhang@2026';
/** 翠屏社区, a village of 东亭街道 (锡山区). */
const VILLAGE = '320205001001';
/** What the app puts before the reason a rule gives for refusing a change. */
const REJECTED = '操作未通过业务规则校验：';
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 180_000 };

/** The table row whose first cell (the kind) is exactly `kind`. */
function rowOfKind(table, kind) {
  return tableRows(table).filter({ has: table.page().locator('td:first-child', { hasText: new RegExp(`^\\s*${kind}\\s*$`) }) });
}

/** Cell `n` (from 0) of a table row, trimmed. */
async function cell(row, n) {
  return (await row.locator('td').nth(n).innerText()).trim();
}

describe('organisation management', () => {
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

  test('the 锡山区 office appoints a new 林长 of a village', when, async () => {
    const page = await newPage(browser, server.url);
    await login(page, 'office.xishan', PASSWORD);
    await page.waitForURL(/\/grids\/320205$/);

    const newcomer = { name: '任新林', phone: '13900000001', unit: '翠屏社区党总支' };
    await createPerson(page, newcomer);

    await page.goto(`/grids/${VILLAGE}`);
    const detail = page.getByTestId('grid-detail');
    await detail.getByTestId('grid-level').filter({ hasText: '村级' }).waitFor();
    const posts = detail.getByTestId('posts-table');
    const chief = rowOfKind(posts, '林长');
    await chief.waitFor();
    assert.equal(await chief.count(), 1, 'the village has one 林长 post');
    const oldHolder = await cell(chief, 2);
    const oldStart = await cell(chief, 4);
    assert.ok(oldHolder && oldHolder !== '空缺', 'the 林长 post has a holder');
    assert.match(oldStart, /^\d{4}-\d{2}-\d{2}$/);

    await chief.getByTestId('appoint').click();
    const appoint = dialog(page, 'appoint-dialog');
    await appoint.waitFor();
    await pickPerson(page, appoint, newcomer.name);
    const start = await dateValue(appoint); // today, the form's default
    assert.match(start, /^\d{4}-\d{2}-\d{2}$/);

    // A term cannot start before the current one: the server's rule says why, after our prefix.
    await setDate(appoint, '2000-01-01');
    await appoint.getByTestId('appoint-save').click();
    const refused = appoint.getByTestId('appoint-error');
    await refused.waitFor();
    const refusal = (await refused.innerText()).trim();
    assert.ok(refusal.startsWith(REJECTED), refusal);
    assert.ok(refusal.includes('2000-01-01') && refusal.includes(oldStart), refusal);
    await screenshot(page, 'org-appoint-refused');

    await setDate(appoint, start);
    await appoint.getByTestId('appoint-save').click();
    await appoint.waitFor({ state: 'hidden' });

    // The grid is read again: the post shows its new holder.
    await chief.filter({ hasText: newcomer.name }).waitFor();
    assert.equal(await cell(chief, 3), newcomer.phone);
    assert.equal(await cell(chief, 4), start);

    await chief.getByTestId('history').click();
    const history = dialog(page, 'post-history');
    await history.waitFor();
    const terms = tableRows(history);
    await terms.filter({ hasText: oldHolder }).waitFor();
    assert.equal(await terms.count(), 2, 'the old term and the new one');
    const oldTerm = terms.filter({ hasText: oldHolder });
    const newTerm = terms.filter({ hasText: newcomer.name });
    assert.equal(await cell(oldTerm, 2), oldStart);
    assert.equal(await cell(oldTerm, 3), start, "the old holder's term ends the day the new one starts");
    assert.equal(await cell(newTerm, 2), start);
    assert.equal(await cell(newTerm, 3), '现任');

    await screenshot(page, 'org-appoint-history');
    await page.context().close();
  });

  test('the 锡山区 office adds a post and a technician, then ends the assignment', when, async () => {
    const page = await newPage(browser, server.url);
    await login(page, 'office.xishan', PASSWORD);
    await page.waitForURL(/\/grids\/320205$/);

    const tech = { name: '技新民', phone: '13900000002', unit: '锡山区林业站' };
    await createPerson(page, tech);

    await page.goto(`/grids/${VILLAGE}`);
    const detail = page.getByTestId('grid-detail');
    await detail.getByTestId('grid-level').filter({ hasText: '村级' }).waitFor();

    // A new post: at a village only 林长 and 副林长 exist.
    const posts = detail.getByTestId('posts-table');
    const deputies = await rowOfKind(posts, '副林长').count();
    await detail.getByTestId('post-create').click();
    const newPost = dialog(page, 'new-post-dialog');
    await newPost.waitFor();
    const kinds = newPost.getByTestId('new-post-kind').locator('.el-radio-button');
    assert.deepEqual((await kinds.allInnerTexts()).map((s) => s.trim()), ['林长', '副林长']);
    await kinds.filter({ hasText: '副林长' }).click();
    await newPost.getByTestId('new-post-title').fill('村委会副主任');
    await newPost.getByTestId('new-post-duties').fill('协助林长做好本村森林防火和护林员管理。');
    await screenshot(page, 'org-new-post');
    await newPost.getByTestId('new-post-save').click();
    await newPost.waitFor({ state: 'hidden' });
    const created = rowOfKind(posts, '副林长').filter({ hasText: '村委会副主任' });
    await created.waitFor();
    assert.equal(await rowOfKind(posts, '副林长').count(), deputies + 1);
    assert.equal(await cell(created, 2), '空缺', 'a new post is vacant');

    // A technician joins the village's staff.
    const staff = detail.getByTestId('staff-table');
    await detail.getByTestId('staff-add').click();
    const add = dialog(page, 'add-staff-dialog');
    await add.waitFor();
    await pickPerson(page, add, tech.name);
    assert.equal(await add.getByTestId('add-staff-unit').inputValue(), tech.unit, "the person's unit is proposed");
    await add.getByTestId('add-staff-kind').locator('.el-radio-button').filter({ hasText: '技术员' }).click();
    const start = await dateValue(add);
    await add.getByTestId('add-staff-save').click();
    await add.waitFor({ state: 'hidden' });
    const row = tableRows(staff).filter({ hasText: tech.name });
    await row.waitFor();
    assert.equal(await cell(row, 0), '技术员');
    assert.equal(await cell(row, 3), tech.unit);
    assert.equal(await cell(row, 5), start);

    // Ending it before it started is refused by the server's rule; then it ends today.
    await row.getByTestId('staff-end').click();
    const end = dialog(page, 'end-staff-dialog');
    await end.waitFor();
    await setDate(end, '2000-01-01');
    await end.getByTestId('end-staff-save').click();
    const refused = end.getByTestId('end-staff-error');
    await refused.waitFor();
    const refusal = (await refused.innerText()).trim();
    assert.ok(refusal.startsWith(REJECTED) && refusal.length > REJECTED.length, refusal);
    await setDate(end, start);
    await end.getByTestId('end-staff-save').click();
    await end.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    assert.equal(await tableRows(staff).filter({ hasText: tech.name }).count(), 0, 'an ended assignment is not listed');

    await screenshot(page, 'org-staff');
    await page.context().close();
  });

  test('a chief sees the organisation but cannot change it', when, async () => {
    const page = await newPage(browser, server.url);
    await login(page, 'chief.dongting', PASSWORD);
    await page.waitForURL(/\/grids\/320205001$/);
    await page.goto(`/grids/${VILLAGE}`);
    const detail = page.getByTestId('grid-detail');
    await tableRows(detail.getByTestId('posts-table')).first().waitFor();
    await detail.getByTestId('history').first().waitFor();
    for (const id of ['post-create', 'appoint', 'staff-add', 'staff-end']) {
      assert.equal(await detail.getByTestId(id).count(), 0, `no ${id} for a chief`);
    }
    await page.context().close();
  });
});
