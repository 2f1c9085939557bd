// Drives the blastradius dashboard in headless Chromium: opens the graph of the model the server
// was started with, clicks a region node, and checks that exactly the components the CLI's
// what-if says are down (and degraded) are highlighted; then opens the other views and saves
// screenshots. Started by crates/cli/tests/it/serve.rs, which passes:
//   BLASTRADIUS_URL       the server's address, e.g. http://127.0.0.1:41234
//   BLASTRADIUS_TOKEN     its API token
//   BLASTRADIUS_EXPECTED  a file holding `blastradius what-if … --fail REGION --format json`
//   BLASTRADIUS_REGION    the region to click, e.g. aws/us-east-1
//   BLASTRADIUS_SHOTS     the folder for screenshots
//   CHROMIUM              the browser (default /usr/bin/chromium)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const need = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run this through crates/cli/tests/it/serve.rs`);
  return value;
};
const url = need('BLASTRADIUS_URL');
const token = need('BLASTRADIUS_TOKEN');
const expected = JSON.parse(readFileSync(need('BLASTRADIUS_EXPECTED'), 'utf8'));
const region = need('BLASTRADIUS_REGION');
const shots = need('BLASTRADIUS_SHOTS');
const sorted = (ids) => [...ids].sort();

const userDataDir = mkdtempSync(join(tmpdir(), 'blastradius-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1440, height: 900 },
});
const failures = [];
let expectRefusal = false;
const page = context.pages()[0] || (await context.newPage());
try {
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // The browser logs the refused upload below (422) itself; anything else is a failure.
    if (message.type() === 'error' && !(expectRefusal && message.text().includes('status of 422'))) {
      failures.push(`console: ${message.text()}`);
    }
  });
  // Nothing may leave the machine: every request goes to the server under test.
  page.on('request', (request) => {
    if (!request.url().startsWith(url) && !request.url().startsWith('data:')) failures.push(`outside request: ${request.url()}`);
  });

  await page.goto(`${url}/#token=${token}`);
  await page.waitForSelector('body[data-ready="yes"]', { timeout: 30000 });
  assert.equal(new URL(page.url()).hash, '', 'the token is dropped from the address bar');

  // Click inside the region's box, just below its top edge (its children sit further in).
  const point = await page.evaluate((id) => {
    const node = window.blastradius.cy.getElementById(id);
    if (node.empty()) return null;
    const box = node.renderedBoundingBox({ includeLabels: false });
    const frame = document.getElementById('cy').getBoundingClientRect();
    return { x: frame.left + (box.x1 + box.x2) / 2, y: frame.top + box.y1 + 6 };
  }, region);
  assert.ok(point, `the graph has a node ${region}`);
  await page.mouse.click(point.x, point.y);
  await page.waitForSelector('body[data-what-if="shown"]', { timeout: 10000 });

  const shown = await page.evaluate(() => {
    const cy = window.blastradius.cy;
    const ids = (selector) => cy.nodes(selector).filter((n) => !['group', 'function'].includes(n.data('kind'))).map((n) => n.id());
    const functions = (status) => cy.nodes(`[kind = "function"].${status}`).map((n) => n.id().slice('function:'.length));
    return {
      failed: ids('.failed'), down: ids('.down'), degraded: ids('.degraded'),
      functionsDown: functions('down'), functionsDegraded: functions('degraded'),
      unaffected: ids(':not(.down):not(.degraded)'),
      heading: document.querySelector('#panel h2').textContent,
      downItems: [...document.querySelectorAll('#down-list li')].map((li) => li.dataset.id),
    };
  });
  assert.deepEqual(shown.failed, [region], 'the clicked region is the failed node');
  assert.deepEqual(sorted(shown.down), sorted(expected.down), 'highlighted as down = what-if down');
  assert.deepEqual(sorted(shown.degraded), sorted(expected.degraded), 'highlighted as degraded = what-if degraded');
  const expectedFunctions = (status) => sorted(expected.functions.filter((f) => f.status === status).map((f) => f.id));
  assert.deepEqual(sorted(shown.functionsDown), expectedFunctions('down'));
  assert.deepEqual(sorted(shown.functionsDegraded), expectedFunctions('degraded'));
  assert.ok(shown.unaffected.length > 0, 'some nodes stay unaffected (other providers)');
  assert.equal(shown.heading, `If ${region} fails`);
  const componentIds = await page.evaluate(() =>
    window.blastradius.graph.nodes.filter((n) => n.kind === 'component').map((n) => n.id));
  const downComponents = expected.down.filter((id) => componentIds.includes(id));
  assert.deepEqual(sorted(shown.downItems), sorted(downComponents), 'the panel lists every component down');
  await page.screenshot({ path: join(shots, 'dashboard-region.png') });

  // Trace one failure: the path the CLI explains is the path drawn.
  const traced = shown.downItems[shown.downItems.length - 1];
  await page.click(`#down-list li[data-id="${traced}"]`);
  const onPath = await page.evaluate(() => window.blastradius.cy.nodes('.on-path').map((n) => n.id()));
  const explanation = expected.explanations.find((e) => e.id === traced);
  assert.deepEqual(sorted(onPath), sorted(explanation.path), `the path of ${traced} is highlighted`);
  const edgesOnPath = await page.evaluate(() => window.blastradius.cy.edges('.on-path').length);
  assert.ok(edgesOnPath >= 1, 'the path\u2019s edges are highlighted');
  await page.screenshot({ path: join(shots, 'dashboard-path.png') });

  // The other views render from the API.
  await page.click('button[data-view="risk"]');
  await page.waitForSelector('#cutsets .set', { timeout: 30000 });
  await page.waitForSelector('#importance tbody tr', { timeout: 30000 });
  await page.screenshot({ path: join(shots, 'dashboard-risk.png') });
  await page.click('button[data-view="availability"]');
  await page.waitForSelector('#availability tbody tr', { timeout: 30000 });
  const rows = await page.locator('#availability tbody tr').count();
  assert.equal(rows, expected.functions.length, 'one availability row per function');
  await page.screenshot({ path: join(shots, 'dashboard-availability.png') });
  await page.click('button[data-view="history"]');
  await page.waitForSelector('#history-table tbody tr', { timeout: 30000 });
  const kindsRun = await page.locator('#history-table tbody tr td:nth-child(4)').allTextContents();
  assert.deepEqual(sorted(new Set(kindsRun)), ['availability', 'cutsets', 'importance', 'what-if']);
  await page.screenshot({ path: join(shots, 'dashboard-history.png') });

  // Uploading an invalid model shows the CLI's located diagnostics.
  expectRefusal = true;
  await page.setInputFiles('#upload', {
    name: 'broken.yaml', mimeType: 'text/yaml',
    buffer: Buffer.from('version: 1\nname: broken\ncomponents:\n  api:\n    depends_on: [dbb]\n  db: {}\n'),
  });
  await page.waitForSelector('#dialog[open] .diagnostic', { timeout: 30000 });
  assert.equal(await page.textContent('#dialog-title'), 'The model is not valid');
  const diagnostic = await page.textContent('#dialog .diagnostic');
  assert.ok(diagnostic.startsWith('broken.yaml:5:18: error: unknown id `dbb`'), diagnostic);
  await page.screenshot({ path: join(shots, 'dashboard-invalid-upload.png') });
  await page.click('#dialog button[value="ok"]');
  expectRefusal = false;

  assert.deepEqual(failures, [], 'no page errors and no requests leaving the server');
  console.log(`ok: ${shown.down.length} nodes down and ${shown.degraded.length} degraded highlighted as the CLI says; screenshots in ${shots}`);
} catch (error) {
  // Show what the page looked like, and what it complained about, when a check fails.
  await page.screenshot({ path: join(shots, 'dashboard-failure.png') }).catch(() => {});
  console.error(`failed; screenshot in ${join(shots, 'dashboard-failure.png')}; page problems: ${JSON.stringify(failures)}`);
  throw error;
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
