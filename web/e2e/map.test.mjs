// End-to-end: the one map (一张图) drawn by MapLibre in Chromium (WebGL on SwiftShader) from the
// real server's vector tiles: sub-compartments rendered and coloured, a click shows a feature's
// attributes, a polygon drawn with mouse clicks is queried, measurement, statistics and the swipe.
/* global window, document, requestAnimationFrame */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, login, newPage, screenshot } from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';

const PASSWORD = 'Linzhang@2026';
const FILL = 'subcompartment-fill';
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 300_000 };

/** Waits until the map has its layers, has stopped moving and has drawn every tile it asked for. */
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
  // One more frame so that what was loaded is also painted.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** The number of features of a style layer drawn on screen now. */
function rendered(page, layer) {
  return page.evaluate((l) => window.__lzMap.queryRenderedFeatures({ layers: [l] }).length, layer);
}

/** The map canvas' box on the page. */
async function canvasBox(page) {
  const box = await page.locator('[data-testid="map"] canvas.maplibregl-canvas').boundingBox();
  assert.ok(box, 'the map has a canvas');
  return box;
}

/** A point (canvas pixels) near the middle where a sub-compartment is the topmost feature. */
function subcompartmentPixel(page) {
  return page.evaluate((fill) => {
    const m = window.__lzMap;
    const c = m.getCanvas();
    const [w, h] = [c.clientWidth, c.clientHeight];
    for (let r = 0; r < Math.min(w, h) / 2; r += 10) {
      for (let a = 0; a < 360; a += r === 0 ? 360 : 20) {
        const x = w / 2 + r * Math.cos((a * Math.PI) / 180);
        const y = h / 2 + r * Math.sin((a * Math.PI) / 180);
        // Clicks pick the fills and points of data layers (sources `src-…`), not outlines or overlays.
        const top = m
          .queryRenderedFeatures([
            [x - 5, y - 5],
            [x + 5, y + 5],
          ])
          .find((f) => f.source.startsWith('src-') && (f.layer.type === 'fill' || f.layer.type === 'circle'));
        if (top?.layer.id === fill) return { x, y, fid: top.properties.fid, diLei: top.properties.di_lei ?? null };
      }
    }
    return null;
  }, FILL);
}

describe('one map', () => {
  let server;
  let browser;

  before(async () => {
    if (missing) return;
    // The demo's forest data: sub-compartments of two survey years, ancient trees, reserves…
    server = await startServer({ subcompartments: 6000 });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the city office sees sub-compartments, a feature, a drawn query, measures, statistics and the swipe', when, async () => {
    const page = await newPage(browser, server.url);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await login(page, 'office.city', PASSWORD);
    await page.waitForURL(/\/grids\//);

    const years = await page.evaluate(async () => (await (await fetch('/api/v1/layers')).json()).find((l) => l.key === 'subcompartment').years);
    assert.ok(years.length > 0, 'the demo holds sub-compartments');

    // From the main navigation.
    await page.getByTestId('menu-map').click();
    await page.waitForURL(/\/map$/);
    await mapIdle(page);
    await page.getByTestId('layer-item-subcompartment').waitFor();
    assert.ok((await page.getByTestId('layer-legend-subcompartment').locator('.entry').count()) > 1, 'a legend of land classes');
    const city = await page.evaluate(() => window.__lzMap.getZoom());
    assert.ok(city > 7 && city < 11, `the map fits the city (zoom ${city})`);
    await screenshot(page, 'map-city');

    // The export links download the layer (in the user's grids) through the browser's session.
    const href = await page.getByTestId('layer-export-ancient_tree-geojson').getAttribute('href');
    const download = await page.evaluate(async (url) => {
      const r = await fetch(url);
      const body = await r.json();
      return { status: r.status, disposition: r.headers.get('content-disposition'), count: body.features.length };
    }, href);
    assert.equal(download.status, 200);
    assert.match(download.disposition, /ancient_tree_2025\.geojson/);
    assert.ok(download.count > 100, `ancient trees exported: ${download.count}`);

    // Closer: the town with the most sub-compartment area (by the statistics API, county then
    // town), fitted like the stats panel's locate button does.
    const town = await page.evaluate(async () => {
      const json = async (u) => (await fetch(u)).json();
      const largest = async (code) => {
        const children = (await json(`/api/v1/grids/${code}`)).children;
        const areas = await Promise.all(
          children.map((c) => json(`/api/v1/layers/subcompartment/stats?target=${c.code}`).then((s) => s.area_m2 ?? 0)),
        );
        return children[areas.indexOf(Math.max(...areas))].code;
      };
      const code = await largest(await largest('320200'));
      const pts = JSON.stringify((await json(`/api/v1/grids/${code}/boundary`)).geometry.coordinates)
        .match(/-?\d+\.\d+,-?\d+\.\d+/g)
        .map((p) => p.split(',').map(Number));
      const xs = pts.map((p) => p[0]);
      const ys = pts.map((p) => p[1]);
      window.__lzMap.fitBounds(
        [
          [Math.min(...xs), Math.min(...ys)],
          [Math.max(...xs), Math.max(...ys)],
        ],
        { padding: 20, duration: 0 },
      );
      return code;
    });
    await mapIdle(page);
    const drawn = await rendered(page, FILL);
    assert.ok(drawn > 0, `sub-compartments of town ${town} are drawn from the vector tiles`);
    // Coloured by land class: the fill colour is a match on di_lei.
    const paint = await page.evaluate((l) => JSON.stringify(window.__lzMap.getPaintProperty(l, 'fill-color')), FILL);
    assert.match(paint, /"match".*"di_lei".*"0111"/, 'filled by land class');
    await screenshot(page, 'map-subcompartments');

    // Zoomed in on one sub-compartment, a click shows its attributes, area and place.
    const some = await subcompartmentPixel(page);
    assert.ok(some, 'a sub-compartment is on screen');
    await page.evaluate(({ x, y }) => window.__lzMap.jumpTo({ center: window.__lzMap.unproject([x, y]), zoom: window.__lzMap.getZoom() + 1.5 }), some);
    await mapIdle(page);
    const hit = await subcompartmentPixel(page);
    assert.ok(hit, 'a sub-compartment is in the middle');
    const box = await canvasBox(page);
    await page.mouse.click(box.x + hit.x, box.y + hit.y);
    const panel = page.getByTestId('feature-panel');
    await panel.waitFor();
    const area = panel.getByTestId('feature-area');
    await area.waitFor();
    assert.match(await area.innerText(), /[\d.,]+ 公顷\s+[\d.,]+ 亩/);
    if (hit.diLei) {
      const names = await page.evaluate(async () => (await (await fetch('/api/v1/code-tables/di_lei')).json()).entries);
      const name = names.find((e) => e.code === hit.diLei)?.name_zh;
      assert.equal((await panel.getByTestId('feature-field-di_lei').innerText()).trim(), name, 'the land class by its name');
    }
    await panel.getByTestId('feature-location').filter({ hasText: '无锡市' }).waitFor();
    const selected = await page.evaluate(() => JSON.stringify(window.__lzMap.getFilter('subcompartment-selected')));
    assert.ok(selected.includes(hit.fid), 'the clicked feature is outlined');
    await screenshot(page, 'map-feature');
    await panel.getByTestId('feature-close').click();
    await panel.waitFor({ state: 'detached' });

    // A polygon drawn with clicks (double click on the last corner) around the middle, queried.
    await page.locator('#tab-query').click();
    const query = page.getByTestId('query-panel');
    await query.waitFor();
    await query.getByTestId('query-draw').click();
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    const d = 140;
    await page.mouse.click(cx - d, cy - d);
    await page.mouse.click(cx + d, cy - d);
    await page.mouse.click(cx + d, cy + d);
    await page.mouse.dblclick(cx - d, cy + d);
    await query.getByTestId('query-drawn').filter({ hasText: '4' }).waitFor();
    await query.getByTestId('query-run').click();
    const results = query.getByTestId('query-results');
    await results.waitFor();
    const haText = await results.getByTestId('query-area-ha').innerText();
    const ha = Number(haText.replace(/[^\d.]/g, ''));
    assert.ok(ha > 0, `the query finds a non-zero area: ${haText}`);
    // What lies inside is at most the drawn square (its area on the sphere, from the map's own
    // reading of the clicked pixels).
    const squareHa = await page.evaluate(
      ([w, h, r]) => {
        const m = window.__lzMap;
        const ring = [
          [w / 2 - r, h / 2 - r],
          [w / 2 + r, h / 2 - r],
          [w / 2 + r, h / 2 + r],
          [w / 2 - r, h / 2 + r],
        ].map((p) => m.unproject(p));
        const rad = Math.PI / 180;
        let sum = 0;
        for (let i = 0; i < 4; i++) {
          const [a, b] = [ring[i], ring[(i + 1) % 4]];
          sum += (b.lng - a.lng) * rad * (2 + Math.sin(a.lat * rad) + Math.sin(b.lat * rad));
        }
        return (Math.abs((sum * 6378137 * 6378137) / 2) / 10_000);
      },
      [box.width, box.height, d],
    );
    assert.ok(ha <= squareHa * 1.01, `${ha} ha inside a square of ${squareHa.toFixed(2)} ha`);
    assert.match(await results.getByTestId('query-area-mu').innerText(), /[\d.,]+ 亩/);
    assert.ok(Number(await results.getByTestId('query-count').innerText()) > 0, 'features are met');
    assert.ok((await results.getByTestId('query-breakdown').locator('.el-table__body tr').count()) > 0, 'a breakdown by land class');
    await results.getByTestId('query-chart').locator('canvas').waitFor();
    await mapIdle(page);
    assert.ok((await rendered(page, 'subcompartment-hits')) > 0, 'the features met are outlined on the map');
    await screenshot(page, 'map-query');

    // Measuring: a distance and an area, geodesic, checked against MapLibre's own distance.
    await page.getByTestId('measure-distance').click();
    await page.mouse.click(cx - 200, cy);
    await page.mouse.click(cx + 200, cy);
    await page.getByTestId('measure-finish').click();
    const lengthText = await page.getByTestId('measure-result').innerText();
    const expected = await page.evaluate(
      ([a, b]) => window.__lzMap.unproject(a).distanceTo(window.__lzMap.unproject(b)),
      [
        [box.width / 2 - 200, box.height / 2],
        [box.width / 2 + 200, box.height / 2],
      ],
    );
    const m = lengthText.includes('千米') ? Number(lengthText.replace(/[^\d.]/g, '')) * 1000 : Number(lengthText.replace(/[^\d.]/g, ''));
    assert.ok(Math.abs(m - expected) / expected < 0.01, `measured ${lengthText}, MapLibre says ${expected.toFixed(1)} m`);
    await page.getByTestId('measure-area').click();
    await page.mouse.click(cx - 100, cy - 100);
    await page.mouse.click(cx + 100, cy - 100);
    await page.mouse.dblclick(cx, cy + 100);
    const areaText = await page.getByTestId('measure-result').innerText();
    assert.match(areaText, /平方米[\s\S]*公顷[\s\S]*亩/);
    // The triangle's area is half its base times its height (by MapLibre's distances).
    const triangle = await page.evaluate(([w, h]) => {
      const m = window.__lzMap;
      const at = (x, y) => m.unproject([w / 2 + x, h / 2 + y]);
      return (at(-100, -100).distanceTo(at(100, -100)) * at(0, -100).distanceTo(at(0, 100))) / 2;
    }, [box.width, box.height]);
    const m2 = Number(areaText.match(/([\d,.]+) 平方米/)[1].replace(/,/g, ''));
    assert.ok(Math.abs(m2 - triangle) / triangle < 0.01, `measured ${m2} m², base × height / 2 = ${triangle.toFixed(1)} m²`);
    await screenshot(page, 'map-measure');
    await page.getByTestId('measure-clear').click();

    // Statistics of the user's grid (the city): area, stock, forest cover, charts.
    await page.locator('#tab-stats').click();
    const stats = page.getByTestId('stats-panel');
    const statArea = stats.getByTestId('stats-area');
    await statArea.waitFor();
    assert.ok(Number((await statArea.locator('.value').innerText()).replace(/[^\d.]/g, '')) > 0, 'the city has sub-compartment area');
    await stats.getByTestId('stats-cover').waitFor();
    await stats.getByTestId('stats-chart-land_class').locator('canvas').waitFor();
    await screenshot(page, 'map-stats');

    // The swipe: a second map right of the divider.
    await page.locator('#tab-compare').click();
    await page.getByTestId('compare-toggle').click();
    await page.getByTestId('compare-divider').waitFor();
    assert.match(await page.getByTestId('compare-right-label').innerText(), /森林资源小班 \d{4}/);
    await page.waitForTimeout(1500);
    await mapIdle(page);
    await screenshot(page, 'map-compare');

    assert.deepEqual(errors, [], 'no script errors');
    await page.context().close();
  });
});
