// End-to-end: the field app (巡护通) on an emulated phone with emulated positions. The ranger of
// 东亭一村 checks in, patrols a path, loses the connection, reports an incident with a photo and
// calls SOS, reloads the app offline, and comes back online; answers lost on the way make the
// app send again. The server then holds each check-in, point, incident, photo and SOS exactly
// once, and the 东亭街道 office sees the SOS pop up live (Server-Sent Events).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { devices } from 'playwright-core';
import { launchBrowser, newPage, screenshot } from './browser.mjs';
import { missingPrerequisite, startServer, webDir } from './server.mjs';

const PASSWORD = 'Linzhang@2026';
const RANGER = 'ranger.dongting';
const RANGER_GRID = '320205001001';
const PHOTO = path.resolve(webDir, '../../shared/data/fire/fire/1.jpg');
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 240_000 };

/** Ray casting over every ring of a (Multi)Polygon: inside an odd number of rings. */
function inside(geometry, [x, y]) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let odd = false;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
      }
    }
  }
  return odd;
}

/** A walk of `n` fixes about 30 m apart inside the grid, starting near its middle. */
function pathInside(geometry, n) {
  const xs = [];
  const ys = [];
  const visit = (c) => (typeof c[0] === 'number' ? (xs.push(c[0]), ys.push(c[1])) : c.forEach(visit));
  visit(geometry.coordinates);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // Look for a start from which the whole walk stays inside (grids are not convex).
  for (let gy = 1; gy < 20; gy++) {
    for (let gx = 1; gx < 20; gx++) {
      const start = [minX + ((maxX - minX) * gx) / 20, minY + ((maxY - minY) * gy) / 20];
      const walk = Array.from({ length: n }, (_, i) => [start[0] + i * 0.0003, start[1] + i * 0.0002]);
      if (walk.every((p) => inside(geometry, p))) return walk.map(([longitude, latitude]) => ({ longitude, latitude, accuracy: 8 }));
    }
  }
  throw new Error('no walk fits inside the grid');
}

async function apiLogin(url, username) {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `login ${username}`);
  const { token } = await r.json();
  return async (p) => {
    const res = await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `GET ${p}`);
    return res.json();
  };
}

describe('field app', () => {
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

  test('a ranger patrols, reports and calls SOS offline; everything arrives once and the office hears the SOS', when, async () => {
    const started = Date.now();
    const asRanger = await apiLogin(server.url, RANGER);
    const boundary = await asRanger(`/api/v1/grids/${RANGER_GRID}/boundary`);
    assert.ok(boundary.geometry, 'the ranger grid has a boundary');
    const walk = pathInside(boundary.geometry, 8);
    const online = walk.slice(0, 5);
    const offline = walk.slice(5);

    // The office of 东亭街道 (the ranger's town) is watching its inbox.
    const office = await newPage(browser, server.url);
    await office.goto('/login');
    await office.getByTestId('login-username').fill('office.dongting');
    await office.getByTestId('login-password').fill(PASSWORD);
    await office.getByTestId('login-submit').click();
    await office.getByTestId('notice-bell').waitFor();

    // The ranger's phone.
    const context = await browser.newContext({
      ...devices['Pixel 5'],
      baseURL: server.url,
      locale: 'zh-CN',
      permissions: ['geolocation'],
      geolocation: online[0],
    });
    const phone = await context.newPage();
    phone.setDefaultTimeout(20_000);
    await phone.goto('/field');
    await phone.waitForURL(/\/login\?redirect=(%2F|\/)field$/);
    await phone.getByTestId('login-username').fill(RANGER);
    await phone.getByTestId('login-password').fill(PASSWORD);
    await phone.getByTestId('login-submit').click();
    await phone.waitForURL(/\/field$/);
    const syncState = phone.getByTestId('field-sync-state');
    await syncState.filter({ hasText: '已同步' }).waitFor();
    // Installable: the manifest is linked and the service worker controls the page.
    const manifest = await (await fetch(`${server.url}/field.webmanifest`)).json();
    assert.equal(manifest.start_url, '/field');
    await phone.waitForFunction(() => navigator.serviceWorker.ready.then(() => true));
    // The worker takes the page over (clients.claim) and has kept the shell.
    await phone.waitForFunction(() => navigator.serviceWorker.controller !== null);

    // 签到, then 开始巡护 along the first part of the walk.
    await phone.getByTestId('field-checkin').click();
    await phone.getByTestId('field-checked-in').waitFor();
    await phone.getByTestId('field-start').click();
    const points = phone.getByTestId('field-points');
    await points.filter({ hasText: /^1$/ }).waitFor();
    for (let i = 1; i < online.length; i++) {
      await context.setGeolocation(online[i]);
      await points.filter({ hasText: new RegExp(`^${i + 1}$`) }).waitFor();
    }
    await syncState.filter({ hasText: '已同步' }).waitFor();

    // Into the valley: no connection. The walk goes on; a fire is reported with a photo; SOS.
    await context.setOffline(true);
    await phone.getByTestId('field-offline').waitFor();
    for (let i = 0; i < offline.length; i++) {
      await context.setGeolocation(offline[i]);
      await points.filter({ hasText: new RegExp(`^${online.length + i + 1}$`) }).waitFor();
    }
    await phone.getByTestId('field-tab-report').click();
    await phone.getByTestId('field-kind-fire').click();
    const description = `东亭一村后山发现烟点 ${Date.now()}`;
    await phone.getByTestId('field-report-description').fill(description);
    await phone.getByTestId('field-report-camera').setInputFiles(PHOTO);
    await phone.getByTestId('field-report-photo').waitFor();
    await phone.getByTestId('field-report-submit').click();
    await phone.getByTestId('field-incident-queued').waitFor();
    await phone.getByTestId('field-sos').click();
    await phone.locator('.el-message-box__btns .el-button--primary').click();
    await phone.getByTestId('field-incident-queued').nth(1).waitFor();

    // Queued: 3 point fixes, the incident, its photo and the SOS.
    const queued = 3 + offline.length;
    await syncState.filter({ hasText: `待同步 ${queued} 条` }).waitFor();
    await screenshot(phone, 'field-offline-queue');

    // The app is closed and opened again without a connection: the service worker serves it,
    // and the outbox is still there.
    await phone.reload();
    await phone.getByTestId('field-app').waitFor();
    const viaWorker = await phone.evaluate(() => performance.getEntriesByType('navigation')[0].workerStart > 0);
    assert.ok(viaWorker, 'the reload went through the service worker');
    await syncState.filter({ hasText: `待同步 ${queued} 条` }).waitFor();
    await phone.getByTestId('field-offline').waitFor();

    // Back in coverage, the first answers for the incident and the points are lost after the
    // server stored them: the app must send them again.
    const lost = { incidents: 0, points: 0 };
    const loseFirstAnswer = (key) => async (route) => {
      if (route.request().method() !== 'POST' || lost[key] > 0) return route.fallback();
      lost[key] += 1;
      await route.fetch();
      await route.abort('connectionreset');
    };
    await phone.route('**/api/v1/incidents', loseFirstAnswer('incidents'));
    await phone.route('**/api/v1/patrols/*/points', loseFirstAnswer('points'));
    await context.setOffline(false);
    await syncState.filter({ hasText: '已同步' }).waitFor({ timeout: 60_000 });
    assert.deepEqual(lost, { incidents: 1, points: 1 }, 'an answer of each kind was lost and sent again');

    // The office hears the SOS live.
    const sosTitle = `一键求助：${RANGER}`;
    await office.locator('.lz-live-notice', { hasText: sosTitle }).waitFor({ timeout: 20_000 });
    await screenshot(office, 'field-sos-office');

    // The server holds each thing once.
    const patrols = await asRanger('/api/v1/patrols?mine=true');
    assert.equal(patrols.length, 1, 'one patrol');
    assert.equal(patrols[0].point_count, walk.length, 'each fix stored once');
    assert.equal(patrols[0].state, 'active');
    const mine = (await asRanger('/api/v1/incidents')).filter((i) => i.reporter_name === RANGER);
    const fires = mine.filter((i) => i.kind === 'fire');
    const calls = mine.filter((i) => i.kind === 'sos');
    assert.equal(fires.length, 1, 'one incident');
    assert.equal(calls.length, 1, 'one SOS');
    assert.equal(fires[0].description, description);
    assert.equal(calls[0].title, sosTitle);
    assert.equal(calls[0].priority, 'urgent');
    assert.ok(inside(boundary.geometry, [calls[0].lon, calls[0].lat]), 'the SOS carries a position in the grid');
    const detail = await asRanger(`/api/v1/incidents/${fires[0].id}`);
    assert.equal(detail.attachments.length, 1, 'the photo attached once');
    assert.equal(detail.attachments[0].size_bytes, readFileSync(PHOTO).length);
    assert.equal(detail.attachments[0].media_type, 'jpeg');
    // The office sees the photo's thumbnail on the incident page.
    await office.goto(`/incidents/${fires[0].id}`);
    await office.getByTestId('incident-attachment').first().waitFor();
    assert.equal(await office.getByTestId('incident-attachment').count(), 1);
    const thumb = office.getByTestId('incident-attachment').locator('img');
    await office.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumb.elementHandle());
    assert.ok((await thumb.evaluate((img) => img.naturalWidth)) <= 320, 'a thumbnail, not the photo');
    const asAdmin = await apiLogin(server.url, 'admin');
    const checkins = await asAdmin(`/api/v1/audit?action=checkin&username=${RANGER}`);
    assert.equal(checkins.items.length, 1, 'one check-in');

    // 结束巡护 online; 我的统计 then counts it.
    await phone.getByTestId('field-tab-patrol').click();
    await phone.getByTestId('field-end').click();
    await phone.locator('.el-message-box__btns .el-button--primary').click();
    await phone.getByTestId('field-start').waitFor();
    await syncState.filter({ hasText: '已同步' }).waitFor();
    const [ended] = await asRanger('/api/v1/patrols?mine=true');
    assert.equal(ended.state, 'ended');
    assert.ok(ended.distance_m > 0, 'the cleaned track has a length');
    await phone.getByTestId('field-tab-stats').click();
    await phone.getByTestId('field-stats-patrols').filter({ hasText: /^1$/ }).waitFor();
    await screenshot(phone, 'field-stats');

    // Signing out with something unsent asks first; staying keeps it, and it goes out.
    await context.setOffline(true);
    await phone.getByTestId('field-tab-patrol').click();
    await phone.getByTestId('field-checkin').click();
    await syncState.filter({ hasText: '待同步 1 条' }).waitFor();
    await phone.getByTestId('field-logout').click();
    const warning = phone.locator('.el-message-box', { hasText: '还有 1 条记录未同步' });
    await warning.waitFor();
    await warning.locator('.el-message-box__btns .el-button:not(.el-button--primary)').click();
    await warning.waitFor({ state: 'hidden' });
    assert.match(phone.url(), /\/field$/, 'still in the app');
    await context.setOffline(false);
    await syncState.filter({ hasText: '已同步' }).waitFor({ timeout: 30_000 });
    const checkinsAfter = await asAdmin(`/api/v1/audit?action=checkin&username=${RANGER}`);
    assert.equal(checkinsAfter.items.length, 2, 'the second check-in arrived once');
    await context.close();
    console.log(`field e2e took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('an ended session keeps the outbox until the ranger signs in again', when, async () => {
    const context = await browser.newContext({ ...devices['Pixel 5'], baseURL: server.url, locale: 'zh-CN' });
    const phone = await context.newPage();
    phone.setDefaultTimeout(20_000);
    await phone.goto('/login?redirect=/field');
    await phone.getByTestId('login-username').fill(RANGER);
    await phone.getByTestId('login-password').fill(PASSWORD);
    await phone.getByTestId('login-submit').click();
    await phone.waitForURL(/\/field$/);
    const syncState = phone.getByTestId('field-sync-state');
    await syncState.filter({ hasText: '已同步' }).waitFor();

    // The office revokes the ranger's sessions (a lost phone, say); the phone does not know yet.
    const r = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const { token } = await r.json();
    const revoke = await fetch(`${server.url}/api/v1/users/${RANGER}/revoke-sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.ok(revoke.ok, `revoke: ${revoke.status}`);
    const asAdmin = await apiLogin(server.url, 'admin');
    const before = (await asAdmin(`/api/v1/audit?action=checkin&username=${RANGER}`)).items.length;

    // A check-in now meets a 401: it stays in the outbox and the app asks for a new sign-in.
    await phone.getByTestId('field-checkin').click();
    await phone.getByTestId('field-sync').filter({ hasText: '登录已过期' }).waitFor();
    await phone.getByTestId('field-relogin').click();
    await phone.waitForURL(/\/login/);
    await phone.getByTestId('login-username').fill(RANGER);
    await phone.getByTestId('login-password').fill(PASSWORD);
    await phone.getByTestId('login-submit').click();
    await phone.waitForURL(/\/field$/);
    await syncState.filter({ hasText: '已同步' }).waitFor();
    const after = (await asAdmin(`/api/v1/audit?action=checkin&username=${RANGER}`)).items.length;
    assert.equal(after, before + 1, 'the waiting check-in arrived once');
    await context.close();
  });
});
