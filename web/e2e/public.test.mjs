// End-to-end: the public page an area's QR code opens (一林一码), without logging in, on a phone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, screenshot } from './browser.mjs';
import { missingPrerequisite, startServer } from './server.mjs';

const AREA = 'LZ320205001001-001';
const UNKNOWN = 'LZ320205001001-099';
const MASKED_PHONE = /^\d{3}\*{4}\d{4}$/;
const missing = missingPrerequisite();
if (missing && process.env.LINZHANG_E2E_REQUIRE === '1') throw new Error(`e2e cannot run: ${missing}`);
const when = { skip: missing ?? false, timeout: 180_000 };

describe('public area page', () => {
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

  /** A fresh context with no session, phone-sized. */
  async function phonePage() {
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  }

  test('an area opens without a login and masks every phone', when, async () => {
    const expected = await (await fetch(`${server.url}/api/v1/public/areas/${AREA}`)).json();
    assert.ok(expected.name, 'the API names the area');

    const page = await phonePage();
    await page.goto(`/p/a/${AREA}`);
    const name = page.getByTestId('public-area-name');
    await name.waitFor();
    assert.equal(new URL(page.url()).pathname, `/p/a/${AREA}`, 'no redirect to the login page');
    assert.equal((await name.innerText()).trim(), expected.name);
    assert.equal((await page.getByTestId('public-area-code').innerText()).trim(), AREA);

    const chiefs = page.getByTestId('public-chief');
    await chiefs.first().waitFor();
    assert.ok((await chiefs.count()) >= 1, 'at least one 林长');
    assert.ok((await chiefs.first().innerText()).includes('林长'));

    const phones = (await page.getByTestId('public-chief-phone').allInnerTexts()).map((p) => p.trim());
    assert.equal(phones.length, await chiefs.count(), 'each chief shows a phone');
    for (const p of phones) assert.match(p, MASKED_PHONE);
    assert.equal(await page.locator('a[href^="tel:"]').count(), 0, 'masked phones are not links');

    // Nothing wider than the phone.
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);

    await screenshot(page, 'public-area');
    await page.context().close();
  });

  test('an unknown code says the area was not found', when, async () => {
    const page = await phonePage();
    await page.goto(`/p/a/${UNKNOWN}`);
    const message = page.getByTestId('public-area-not-found');
    await message.waitFor();
    assert.ok((await message.innerText()).includes('未找到该责任区'));
    assert.equal(new URL(page.url()).pathname, `/p/a/${UNKNOWN}`, 'no redirect to the login page');
    await page.context().close();
  });
});
