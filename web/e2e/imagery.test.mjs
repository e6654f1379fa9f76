// End-to-end: imagery on the one map. The city office registers the real Sentinel-2 sample
// (Patagonia, UTM 19S) over the API, the layer panel lists it, turning it on and zooming to it
// makes MapLibre fetch PNG tiles from the server, NDVI mode changes the tiles, and the swipe
// compares two scenes before/after.
/* global window, document, requestAnimationFrame */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, login, newPage, screenshot } from './browser.mjs';
import { missingPrerequisite, startServer, webDir } from './server.mjs';

const PASSWORD = 'Linzhang@2026';
const IMAGERY = path.resolve(webDir, '../../shared/data/imagery');
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 300_000 };

async function mapIdle(page, timeout = 120_000) {
  await page.waitForFunction(
    () => {
      const m = window.__lzMap;
      const el = document.querySelector('[data-testid="map"]');
      return !!m && el?.getAttribute('data-ready') === '1' && m.loaded() && m.areTilesLoaded() && !m.isMoving();
    },
    null,
    { timeout, polling: 200 },
  );
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Uploads a sample through the browser's session (cookie and CSRF header), as the API wants. */
function register(page, file, query) {
  const bytes = readFileSync(path.join(IMAGERY, file)).toString('base64');
  return page.evaluate(
    async ({ bytes, query }) => {
      const body = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      const csrf = document.cookie.match(/(?:^|; )lz_csrf=([^;]*)/)?.[1] ?? '';
      const r = await fetch(`/api/v1/imagery?${query}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': decodeURIComponent(csrf) },
        body,
      });
      return { status: r.status, body: await r.json() };
    },
    { bytes, query },
  );
}

describe('imagery on the one map', () => {
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

  test('a registered scene is listed, drawn from the server\'s PNG tiles and compared', when, async () => {
    const page = await newPage(browser, server.url);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await login(page, 'office.city', PASSWORD);
    await page.waitForURL(/\/grids\//);

    const older = await register(page, 'S2_10m_blue_green_red_nir.tif', 'filename=s2.tif&name=Patagonia%20S2&sensor=Sentinel-2&acquired_on=2023-01-15');
    assert.equal(older.status, 201, JSON.stringify(older.body));
    const newer = await register(page, 'S2_20m_swir1_swir2.tif', 'filename=swir.tif&name=Patagonia%20SWIR&acquired_on=2023-02-01&bands=nir%3D1,red%3D2');
    assert.equal(newer.status, 201, JSON.stringify(newer.body));
    const id = older.body.id;

    // Every imagery tile MapLibre asks for, with its answer.
    const tiles = [];
    page.on('response', (r) => {
      if (r.url().includes('/tiles/imagery/')) tiles.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] });
    });

    await page.getByTestId('menu-map').click();
    await page.waitForURL(/\/map$/);
    await mapIdle(page);
    await page.getByTestId('imagery-section').waitFor();
    const item = page.getByTestId(`imagery-item-${id}`);
    assert.match(await item.innerText(), /Patagonia S2/);
    assert.match(await item.innerText(), /Sentinel-2 · 2023-01-15/);
    assert.equal(tiles.length, 0, 'no tile is fetched while the scene is off');

    // On, and to the scene (it is in Patagonia, not in Wuxi).
    await page.getByTestId(`imagery-zoom-${id}`).click();
    await mapIdle(page);
    const png = tiles.filter((x) => x.status === 200 && x.url.includes(`/${id}/true/`));
    assert.ok(png.length > 0, `true-colour tiles fetched: ${JSON.stringify(tiles)}`);
    assert.ok(png.every((x) => x.type === 'image/png'));
    const center = await page.evaluate(() => window.__lzMap.getCenter());
    assert.ok(center.lng < -67 && center.lat < -47, `the map is over the scene: ${center.lng}, ${center.lat}`);
    await screenshot(page, 'imagery-true');

    // NDVI: new tiles in that mode.
    await page.getByTestId(`imagery-mode-${id}`).click();
    await page.getByRole('option', { name: 'NDVI' }).click();
    await page.getByTestId(`imagery-ramp-${id}`).waitFor();
    await mapIdle(page);
    assert.ok(
      tiles.some((x) => x.status === 200 && x.url.includes(`/${id}/ndvi/`)),
      'NDVI tiles fetched',
    );
    await screenshot(page, 'imagery-ndvi');

    // Swipe: before (the 10 m scene) left, after (the SWIR scene, NDVI) right.
    await page.locator('#tab-compare').click();
    await page.getByTestId('compare-kind-imagery').click();
    await page.getByTestId('compare-toggle').click();
    await page.getByTestId('compare-divider').waitFor();
    assert.match(await page.getByTestId('compare-left-label').innerText(), /Patagonia S2 2023-01-15/);
    assert.match(await page.getByTestId('compare-right-label').innerText(), /Patagonia SWIR 2023-02-01/);
    const right = (x) => x.status === 200 && x.url.includes(`/${newer.body.id}/ndvi/`);
    for (let waited = 0; !tiles.some(right) && waited < 30_000; waited += 250) await page.waitForTimeout(250);
    assert.ok(tiles.some(right), 'the right side draws the after scene');
    await page.waitForTimeout(1000);
    await screenshot(page, 'imagery-compare');

    assert.deepEqual(errors, [], 'no script errors');
    await page.context().close();
  });
});
