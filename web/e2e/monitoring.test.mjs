// End-to-end: monitoring (D1, D2) against the real linzhang binary. A camera pushes frames with
// flames, the alarm pops up live in the 锡山区 office and is confirmed on the camera wall; a batch
// of change spots is uploaded, one spot verified illegal in the field dialog opens a case, and
// the batch exports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialog, launchBrowser, login, newPage, screenshot, tableRows } from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';
import { PASSWORD, roomInside, tokenOf } from './api.mjs';

const FIRE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data/fire');
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 180_000 };

async function api(server, bearer, method, url, body) {
  const headers = { authorization: `Bearer ${bearer}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${server.url}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

describe('monitoring', () => {
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

  test('a camera alarm pops up live in the office and is confirmed as a fire', when, async () => {
    const office = await tokenOf(server.url, 'office.xishan');
    const page = await newPage(browser, server.url);
    await login(page, 'office.xishan', PASSWORD);
    await page.waitForURL(/\/grids\/320205$/);
    await page.getByTestId('menu-cameras').click();
    await page.waitForURL(/\/cameras$/);

    const device = `320205001${String(Date.now()).slice(-11)}`;
    const r = await api(server, office, 'POST', '/api/v1/cameras', {
      name: '东亭瞭望塔', device_id: device, grid_code: '320205001001', lon: 120.36, lat: 31.6,
      height_m: 35, heading_deg: 90, fov_deg: 60, range_m: 3000, stream_url: 'https://video.example/live/dongting.m3u8',
    });
    assert.equal(r.status, 201);
    const camera = await r.json();
    await page.reload();
    const tile = page.getByTestId('camera-tile').filter({ hasText: '东亭瞭望塔' });
    await tile.waitFor();
    assert.equal(await tile.getByTestId('live-player').getAttribute('data-kind'), 'hls');
    // Its field of view is drawn on the map above the wall.
    await page.getByTestId('camera-map').locator('canvas').waitFor();

    // Three frames with flames: the third completes 3 of 5 and raises the alarm.
    let alarm = null;
    for (const [i, name] of ['fire_1.jpg', 'fire_2.jpg', 'fire_1.jpg'].entries()) {
      const frame = await readFile(path.join(FIRE, name));
      const at = `2026-09-21T03:00:${String(i * 10).padStart(2, '0')}Z`;
      const f = await fetch(`${server.url}/api/v1/cameras/${camera.id}/frames?at=${at}`, {
        method: 'POST', headers: { authorization: `Bearer ${office}`, 'content-type': 'image/jpeg' }, body: frame,
      });
      assert.equal(f.status, 200);
      alarm = (await f.json()).alarm;
    }
    assert.ok(alarm, 'the third frame raised an alarm');

    await page.locator('.lz-live-notice', { hasText: '东亭瞭望塔' }).waitFor({ timeout: 15_000 });
    const card = page.getByTestId('alarm').filter({ hasText: '东亭瞭望塔' });
    await card.waitFor();
    const img = card.locator('img');
    await img.waitFor();
    assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the alarm frame with its boxes loads');
    await screenshot(page, 'camera-alarm');
    await card.getByTestId('alarm-confirm').click();
    await page.locator('.el-message', { hasText: '已确认为火情' }).waitFor();
    await card.waitFor({ state: 'detached' });

    const confirmed = await (await api(server, office, 'GET', '/api/v1/alarms?state=confirmed')).json();
    const done = confirmed.find((a) => a.id === alarm);
    assert.ok(done?.incident_id, 'a fire incident was opened');
    await page.getByTestId('alarm-state').getByText('已确认火情').click();
    await page.getByTestId('alarm-decided').filter({ hasText: '已确认火情' }).first().waitFor();
    await page.context().close();
  });

  test('a batch of change spots is uploaded, verified in the field dialog and exported', when, async () => {
    const office = await tokenOf(server.url, 'office.xishan');
    const boundary = await (await api(server, office, 'GET', '/api/v1/grids/320205001001/boundary')).json();
    const [x, y] = roomInside(boundary.geometry ?? boundary);
    const square = (dx, dy) => [[[x - dx, y - dy], [x + dx, y - dy], [x + dx, y + dy], [x - dx, y + dy], [x - dx, y - dy]]];
    const patches = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { cause_zh: '采伐', dndvi_mean: 0.45 }, geometry: { type: 'Polygon', coordinates: square(0.001, 0.0008) } },
        { type: 'Feature', properties: { cause_zh: '其他', dndvi_mean: 0.25 }, geometry: { type: 'Polygon', coordinates: square(0.0003, 0.0003) } },
      ],
    };
    const dir = await mkdtemp(path.join(tmpdir(), 'lz-spots-'));
    const file = path.join(dir, `2026年第${Date.now() % 1000}期.geojson`);
    await writeFile(file, JSON.stringify(patches));

    const page = await newPage(browser, server.url);
    await login(page, 'office.xishan', PASSWORD);
    await page.waitForURL(/\/grids\/320205$/);
    await page.getByTestId('menu-spots').click();
    await page.waitForURL(/\/spots$/);
    await page.getByTestId('spots-upload-input').setInputFiles(file);
    await page.locator('.el-message', { hasText: '已建批次' }).waitFor();
    await rm(dir, { recursive: true, force: true });

    const rows = tableRows(page.getByTestId('spots-table'));
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2);
    await rows.getByTestId('spot-state').filter({ hasText: '待核实' }).first().waitFor();
    const stats = page.getByTestId('spots-stats');
    await stats.getByText('320205').waitFor();

    // The field visit: felling without a permit.
    await rows.first().getByTestId('spot-verify').click();
    const form = dialog(page, 'spot-verify-dialog');
    await form.waitFor();
    await form.getByTestId('spot-cause').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '20 采伐' }).click();
    await form.getByTestId('spot-legal').getByText('违法').click();
    await form.getByTestId('spot-verify-save').click();
    await form.waitFor({ state: 'hidden' });
    await page.locator('.el-message', { hasText: '核实为违法，已立案' }).waitFor();
    await rows.first().getByTestId('spot-state').filter({ hasText: '采伐 · 违法' }).waitFor();
    await rows.first().getByTestId('spot-case').waitFor();
    await screenshot(page, 'change-spots');

    // The export links answer files.
    await page.getByTestId('spots-export').click();
    const href = await page.getByTestId('spots-export-gpkg').getAttribute('href');
    assert.match(href, /\/api\/v1\/change-batches\/[0-9a-f-]{36}\/export\?format=gpkg$/);
    const file2 = await api(server, office, 'GET', href);
    assert.equal(file2.status, 200);
    const bytes = new Uint8Array(await file2.arrayBuffer());
    assert.equal(new TextDecoder().decode(bytes.slice(0, 15)), 'SQLite format 3', 'a GeoPackage');
    await page.context().close();
  });
});
