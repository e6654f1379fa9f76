// End-to-end: 核查图斑 in the field app on an emulated phone. The 锡山区 office uploads a batch
// with one change spot in 东亭一村; the village ranger finds it in the list (with its distance),
// opens it, loses the connection, verifies it as illegal felling with a photo (核实照片), and
// comes back online; the first answers are lost on the way so the app sends again. The server
// holds one verification, one case and one photo, whose thumbnail the office sees on its page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { devices } from 'playwright-core';
import { launchBrowser, login, newPage, screenshot, tableRows } from './browser.mjs';
import { missingPrerequisite, startServer, webDir } from './server.mjs';
import { PASSWORD, apiAs, roomInside, tokenOf } from './api.mjs';

const RANGER = 'ranger.dongting';
const VILLAGE = '320205001001';
const PHOTO = path.resolve(webDir, '../../shared/data/fire/fire/13518571.jpg');
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 180_000 };

describe('field app: change spots', () => {
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

  test('a ranger verifies a change spot offline with a photo; it is verified once, one case is opened, the photo kept once', when, async () => {
    const office = await apiAs(server.url, 'office.xishan');
    const boundary = await office('GET', `/api/v1/grids/${VILLAGE}/boundary`);
    const [x, y] = roomInside(boundary.geometry ?? boundary);
    const square = [[[x - 0.001, y - 0.0008], [x + 0.001, y - 0.0008], [x + 0.001, y + 0.0008], [x - 0.001, y + 0.0008], [x - 0.001, y - 0.0008]]];
    const patches = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { cause_zh: '采伐', dndvi_mean: 0.45, before_date: '2026-03-01', after_date: '2026-09-01' }, geometry: { type: 'Polygon', coordinates: square } }],
    };
    const made = await office('POST', `/api/v1/change-batches?name=${encodeURIComponent('2026年第9期')}`, patches);
    assert.equal(made.kept, 1, 'the spot is on forest land in the village');
    const batch = made.batch.id;

    // The ranger's phone, about 300 m east of the spot.
    const context = await browser.newContext({
      ...devices['Pixel 5'],
      baseURL: server.url,
      locale: 'zh-CN',
      permissions: ['geolocation'],
      geolocation: { longitude: x + 0.003, latitude: y, accuracy: 8 },
    });
    const phone = await context.newPage();
    phone.setDefaultTimeout(20_000);
    // The sample scenes in shared/data lie in Patagonia, so the scene list is served here with
    // footprints over the spot (the tiles themselves are answered with an empty 404).
    const scene = (id, acquired_on, bounds = [x - 0.05, y - 0.05, x + 0.05, y + 0.05]) => ({
      id, name: id, acquired_on, bounds, bands: {}, crs: 'EPSG:32651', height: 1, width: 1, modes: ['true'],
      registered_at: '2026-10-02T00:00:00Z', registered_by: 'office.city', resolution: 10, sensor: 'Sentinel-2', stretch: {},
      tiles: `/tiles/imagery/${id}/{mode}/{z}/{x}/{y}.png`,
    });
    const scenes = [
      scene('s-oct', '2026-10-01'),
      scene('s-far', '2026-09-02', [x + 1, y + 1, x + 2, y + 2]),
      scene('s-sep', '2026-09-05'),
      scene('s-feb', '2026-02-20'),
      scene('s-jan', '2026-01-10'),
    ];
    await phone.route('**/api/v1/imagery', (route) => route.fulfill({ json: scenes }));
    const tiles = new Set();
    await phone.route('**/tiles/imagery/**', (route) => {
      tiles.add(new URL(route.request().url()).pathname.split('/')[3]);
      return route.fulfill({ status: 404, body: '' });
    });
    await phone.goto('/login?redirect=/field');
    await phone.getByTestId('login-username').fill(RANGER);
    await phone.getByTestId('login-password').fill(PASSWORD);
    await phone.getByTestId('login-submit').click();
    await phone.waitForURL(/\/field$/);
    const syncState = phone.getByTestId('field-sync-state');
    await syncState.filter({ hasText: '已同步' }).waitFor();

    // 核查图斑: the spot, with its distance from the phone (about 285 m).
    await phone.getByTestId('field-tab-spots').click();
    const row = phone.getByTestId('field-spot');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    const spotId = await row.getAttribute('data-spot-id');
    const distance = phone.getByTestId('field-spot-distance').filter({ hasText: /^\d+ 米$/ });
    await distance.waitFor();
    const metres = Number((await distance.textContent()).replace(/\D/g, ''));
    assert.ok(metres > 200 && metres < 400, `distance ${metres} m`);
    await row.click();
    await phone.getByTestId('field-spot-page').waitFor();
    const geo = await phone.getByTestId('field-spot-navigate').getAttribute('href');
    assert.match(geo, /^geo:\d+\.\d+,\d+\.\d+/);
    const [lat, lon] = geo.slice(4).split('?')[0].split(',').map(Number);
    assert.ok(Math.abs(lat - y) < 0.001 && Math.abs(lon - x) < 0.001, 'geo: points at the spot (WGS-84)');
    const amap = new URL(await phone.getByTestId('field-spot-amap').getAttribute('href'));
    assert.equal(amap.origin + amap.pathname, 'https://uri.amap.com/marker');
    const [gx, gy] = amap.searchParams.get('position').split(',').map(Number);
    // Amap gets GCJ-02: around Wuxi a few hundred metres off the WGS-84 position.
    const shift = Math.hypot((gx - lon) * 95_000, (gy - lat) * 111_000);
    assert.ok(shift > 300 && shift < 800, `GCJ-02 offset ${shift.toFixed(0)} m`);

    // 前时相/后时相: the last scene before the batch's before date, the first after its after date.
    await phone.getByTestId('field-spot-before').filter({ hasText: '前时相 2026-02-20' }).waitFor();
    await phone.getByTestId('field-spot-after').filter({ hasText: '后时相 2026-09-05' }).click();
    for (let i = 0; i < 50 && !tiles.has('s-sep'); i++) await phone.waitForTimeout(100);
    await phone.getByTestId('field-spot-before').click();
    for (let i = 0; i < 50 && !tiles.has('s-feb'); i++) await phone.waitForTimeout(100);
    assert.deepEqual([...tiles].sort(), ['s-feb', 's-sep'], 'tiles of the before and after scenes only');
    await screenshot(phone, 'field-spot-page');

    // No connection in the woods: the verification waits in the outbox.
    await context.setOffline(true);
    await phone.getByTestId('field-offline').waitFor();
    await phone.getByTestId('field-spot-cause').click();
    await phone.locator('.el-select-dropdown__item:visible', { hasText: '20 采伐' }).click();
    await phone.getByTestId('field-spot-legal').getByText('违法').click();
    await phone.getByTestId('field-spot-area').locator('input').fill('1.8');
    await phone.getByTestId('field-spot-note').fill('无采伐证');
    await phone.getByTestId('field-spot-camera').setInputFiles(PHOTO);
    await phone.getByTestId('field-spot-photo').waitFor();
    await phone.getByTestId('field-spot-submit').click();
    await phone.getByTestId('field-spot-queued').waitFor();
    await syncState.filter({ hasText: '待同步 2 条' }).waitFor();
    await screenshot(phone, 'field-spot-queued');

    // Back online, the first answers are lost after the server stored the verification and the
    // photo.
    const lost = { verification: 0, photo: 0 };
    const loseFirst = (what) => async (route) => {
      if (lost[what] > 0) return route.fallback();
      lost[what] += 1;
      await route.fetch();
      await route.abort('connectionreset');
    };
    await phone.route('**/api/v1/change-spots/*/verification', loseFirst('verification'));
    await phone.route((url) => /\/api\/v1\/change-spots\/[^/]+\/photos$/.test(url.pathname), loseFirst('photo'));
    await context.setOffline(false);
    await syncState.filter({ hasText: '已同步' }).waitFor({ timeout: 60_000 });
    assert.deepEqual(lost, { verification: 1, photo: 1 }, 'answers were lost and both sent again');
    await phone.getByTestId('field-spots').getByText('没有待核实的图斑').waitFor();

    // The server holds one verification and one case.
    const ranger = await apiAs(server.url, RANGER);
    const spots = await ranger('GET', `/api/v1/change-batches/${batch}/spots`);
    assert.equal(spots.features.length, 1);
    const p = spots.features[0].properties;
    assert.equal(spots.features[0].id, spotId);
    assert.deepEqual([p.state, p.verified_cause, p.legal, p.note, p.verified_by], ['verified', '20', false, '无采伐证', RANGER]);
    assert.ok(Math.abs(p.verified_area_m2 - 1200) < 1, `1.8 mu is 1200 m², got ${p.verified_area_m2}`);
    assert.ok(p.incident_id, 'a case was opened');
    const admin = await apiAs(server.url, 'admin');
    const audit = await admin('GET', '/api/v1/audit?action=change_spot.verify');
    assert.equal(audit.items.length, 1, 'verified once');
    const cases = (await admin('GET', '/api/v1/incidents')).filter((i) => i.title.includes('变化图斑'));
    assert.equal(cases.length, 1, 'one case');
    assert.equal(cases[0].id, p.incident_id);
    assert.equal(cases[0].kind, 'illegal_logging');

    // The photo is kept once, byte for byte, with a thumbnail.
    const photos = await ranger('GET', `/api/v1/change-spots/${spotId}/photos`);
    assert.equal(photos.length, 1, 'the photo stored once');
    const bytes = readFileSync(PHOTO);
    assert.deepEqual([photos[0].media_type, photos[0].size_bytes, photos[0].uploaded_by], ['jpeg', bytes.length, RANGER]);
    const photoAudit = await admin('GET', '/api/v1/audit?action=change_spot.photo');
    assert.equal(photoAudit.items.length, 1, 'added once');
    const token = await tokenOf(server.url, RANGER);
    const thumb = await fetch(`${server.url}${photos[0].thumbnail_url}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
    const small = Buffer.from(await thumb.arrayBuffer());
    assert.ok(small.length > 0 && small.length < bytes.length, 'a thumbnail, smaller than the photo');
    await context.close();

    // The office selects the spot on its page and sees the photo's thumbnail.
    const page = await newPage(browser, server.url);
    await login(page, 'office.xishan', PASSWORD);
    await page.getByTestId('menu-spots').click();
    await page.waitForURL(/\/spots$/);
    const rows = tableRows(page.getByTestId('spots-table'));
    await rows.first().waitFor();
    await rows.first().click();
    const shown = page.getByTestId('spot-photo');
    await shown.first().waitFor();
    assert.equal(await shown.count(), 1);
    assert.equal(await shown.getAttribute('href'), photos[0].url);
    const img = shown.locator('img');
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    assert.ok((await img.evaluate((el) => el.naturalWidth)) <= 320, 'a thumbnail, not the photo');
    await screenshot(page, 'spot-photos');
    await page.context().close();
  });
});
