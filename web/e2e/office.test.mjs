// End-to-end: the 锡山区 chief office's views against the real linzhang binary. A ranger of
// 东亭一村 walks a patrol (over the API, as his phone would); the office sees him on the live
// map with his track and replays it; the compliance boards flag chiefs behind the rule; the
// incident list turns into a map.
/* global window, document, requestAnimationFrame */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, login, newPage, screenshot, tableRows } from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';

const PASSWORD = 'Linzhang@2026';
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 240_000 };

/** A bearer token for a demo user, as the phone app logs in. */
async function tokenOf(url, username) {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `${username} logs in`);
  return (await r.json()).token;
}

async function post(url, token, path, body) {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

/** Waits until the page's map has loaded its layers and drawn what it asked for. */
async function mapIdle(page, testid) {
  await page.waitForFunction(
    (id) => {
      const m = window.__lzMap;
      const el = document.querySelector(`[data-testid="${id}"]`);
      return !!m && el?.getAttribute('data-ready') === '1' && m.loaded() && !m.isMoving();
    },
    testid,
    { timeout: 60_000, polling: 200 },
  );
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

function rendered(page, layer) {
  return page.evaluate((l) => window.__lzMap.queryRenderedFeatures({ layers: [l] }).length, layer);
}

describe('office views', () => {
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

  test('锡山区 sees a ranger on patrol, replays his track, and reads the compliance boards', when, async () => {
    // The ranger's phone: a patrol started six minutes ago, twenty fixes 15 s apart walking east.
    const ranger = await tokenOf(server.url, 'ranger.dongting');
    const patrolId = crypto.randomUUID();
    const start = Date.now() - 6 * 60_000;
    const started = await post(server.url, ranger, '/api/v1/patrols', { id: patrolId, started_at: new Date(start).toISOString() });
    assert.equal(started.status, 201);
    const points = Array.from({ length: 20 }, (_, i) => ({
      id: crypto.randomUUID(),
      t: new Date(start + 30_000 + i * 15_000).toISOString(),
      lon: 120.351 + i * 0.0001,
      lat: 31.605,
      accuracy_m: 5,
    }));
    const up = await post(server.url, ranger, `/api/v1/patrols/${patrolId}/points`, { points });
    assert.equal(up.status, 200);
    assert.equal((await up.json()).stored, 20);
    // A ranger may not watch others (nor himself) on the supervision map.
    const denied = await fetch(`${server.url}/api/v1/patrols/live`, { headers: { authorization: `Bearer ${ranger}` } });
    assert.equal(denied.status, 403);

    const page = await newPage(browser, server.url);
    await login(page, 'office.xishan', PASSWORD);
    await page.getByTestId('menu-patrols').click();
    await page.waitForURL(/\/patrols$/);

    const table = page.getByTestId('patrols-table');
    const row = tableRows(table).filter({ hasText: 'ranger.dongting' });
    await row.waitFor();
    assert.ok((await row.innerText()).includes('320205001001'), 'the walker is shown with his grid');
    await row.getByTestId('patrol-last').waitFor();
    assert.equal(await page.getByTestId('patrols-map').getAttribute('data-tracks'), '1');

    // Today's track and the walker's last position are drawn.
    await mapIdle(page, 'patrols-map');
    assert.ok((await rendered(page, 'patrol-tracks')) > 0, 'a track on the map');
    assert.ok((await rendered(page, 'patrol-positions')) > 0, 'the last position on the map');

    // Select him and replay: the walker moves along the track.
    await row.click();
    const replay = page.getByTestId('patrol-replay');
    await replay.waitFor();
    await replay.getByTestId('replay-toggle').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="replay-clock"]')?.getAttribute('data-cursor')) > 0, null, {
      timeout: 15_000,
    });
    await page.waitForFunction(() => window.__lzMap.queryRenderedFeatures({ layers: ['patrol-walker'] }).length > 0, null, { timeout: 15_000 });
    await screenshot(page, 'office-patrol-replay');

    // 履职考核: chiefs without a patrol this month are flagged on the first board.
    await page.getByTestId('menu-compliance').click();
    await page.waitForURL(/\/compliance$/);
    const chiefs = page.getByTestId('compliance-chiefs');
    await tableRows(chiefs).first().waitFor();
    assert.ok((await chiefs.getByTestId('compliance-behind').count()) > 0, 'a chief behind the rule');
    assert.ok((await chiefs.locator('tr.behind').count()) > 0, 'behind rows are marked');
    assert.match(await page.getByTestId('compliance-chiefs-summary').innerText(), /%/);
    await page.getByTestId('compliance-chiefs-chart').locator('canvas').waitFor();
    await page.getByRole('tab', { name: '林长会议' }).click();
    const meetings = page.getByTestId('compliance-meetings');
    await tableRows(meetings).first().waitFor();
    await page.getByTestId('compliance-meetings-chart').locator('canvas').waitFor();
    await screenshot(page, 'office-compliance');

    // A responsibility area shows this month's patrol coverage against its rule (8 a month).
    await page.goto('/areas/LZ320205001001-001');
    const coverage = page.getByTestId('area-coverage');
    await coverage.waitFor();
    assert.match(await coverage.getByTestId('area-coverage-patrols').innerText(), /要求 8 次/);
  });

  test('the incident list turns into a map of the incidents with a position', when, async () => {
    const ranger = await tokenOf(server.url, 'ranger.dongting');
    const title = `林下堆放杂物 ${Date.now()}`;
    const r = await post(server.url, ranger, '/api/v1/incidents', {
      id: crypto.randomUUID(),
      grid_code: '320205001001',
      kind: 'sos',
      priority: 'normal',
      title,
      description: '东亭一村北侧',
      lon: 120.352,
      lat: 31.606,
    });
    assert.equal(r.status, 201);

    const page = await newPage(browser, server.url);
    await login(page, 'office.xishan', PASSWORD);
    await page.getByTestId('menu-incidents').click();
    await page.waitForURL(/\/incidents$/);
    await tableRows(page.getByTestId('incidents-table')).filter({ hasText: title }).waitFor();
    await page.getByTestId('incidents-mode-map').click();
    const map = page.getByTestId('incidents-map');
    await map.waitFor();
    assert.ok(Number(await map.getAttribute('data-located')) >= 1, 'the new incident has a position');
    await mapIdle(page, 'incidents-map');
    assert.ok((await rendered(page, 'incidents-points')) >= 1, 'incidents drawn on the map');

    // Clicking a point opens its incident.
    const xy = await page.evaluate(() => {
      const f = window.__lzMap.queryRenderedFeatures({ layers: ['incidents-points'] })[0];
      const p = window.__lzMap.project(f.geometry.coordinates);
      const box = window.__lzMap.getCanvas().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    });
    await page.mouse.click(xy.x, xy.y);
    await page.waitForURL(/\/incidents\/[0-9a-f-]+$/);
    await screenshot(page, 'office-incident-from-map');

    // And back to the list.
    await page.goBack();
    await page.getByTestId('incidents-mode-list').click();
    await page.getByTestId('incidents-table').waitFor();
  });
});
