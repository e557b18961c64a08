// End-to-end tests of the incidents and watch mode together (issue 14): a click on an incident
// moves the watch view to its start (and zooms the charts); "Next incident" / "Previous incident"
// and the keys n / p in watch mode jump between incident starts. Screenshots of each.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { servedApp, settled, openPage, screenshot } from "./harness.mjs";

const served = servedApp();

const watchUs = (page) => page.locator("#watch-bar").evaluate((b) => Number(b.dataset.tUs));

test("incidents and watch: a click moves the watch view; next / previous incident by button and key", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const rows = page.locator("[data-testid=incident-row]");
  assert.ok((await rows.count()) >= 2, "the default run has incidents");
  await page.locator("#watch-toggle").click();
  await page.locator("#watch-bar").waitFor();
  assert.equal(await watchUs(page), 0);
  // Every incident start, in time order, as the watch bar will step through them.
  const starts = [...new Set(await rows.evaluateAll((rs) => rs.map((r) => Number(r.dataset.startUs))))].sort((a, b) => a - b);
  assert.ok(starts.length >= 2 && starts[0] > 0, `${starts}`);

  // A click on the second row (report order): watch time = its start, the charts zoomed.
  const second = rows.nth(1);
  const start = Number(await second.getAttribute("data-start-us"));
  await second.click();
  await page.waitForFunction((s) => Number(document.querySelector("#watch-bar")?.dataset.tUs) === s, start);
  await page.waitForFunction(() => document.querySelector("#chart-zoom")?.dataset.zoomed === "true");
  assert.equal(Number(await page.locator("#watch-time").inputValue()), Math.floor(start / 1e6), "the scrubber moved");
  await screenshot(page, "incident-click-watch");

  // Next incident: the first start after it; previous: the last one before it.
  const k = starts.indexOf(start);
  const next = page.locator("#watch-next-incident");
  const prev = page.locator("#watch-prev-incident");
  if (k + 1 < starts.length) {
    await next.click();
    assert.equal(await watchUs(page), starts[k + 1]);
    await prev.click();
    assert.equal(await watchUs(page), start);
  }
  // From 0: previous is disabled, next walks every start in order, then is disabled.
  await page.locator("#watch-time").focus();
  await page.keyboard.press("Home");
  await page.waitForFunction(() => Number(document.querySelector("#watch-bar")?.dataset.tUs) === 0);
  assert.equal(await prev.isDisabled(), true);
  for (const s of starts) {
    await next.click();
    assert.equal(await watchUs(page), s);
  }
  assert.equal(await next.isDisabled(), true, "no incident after the last");
  await screenshot(page, "watch-last-incident");

  // Keys while watch mode has the focus: p steps back, n forward.
  await page.locator("#watch-bar").focus();
  await page.keyboard.press("p");
  await page.waitForFunction((s) => Number(document.querySelector("#watch-bar")?.dataset.tUs) === s, starts[starts.length - 2]);
  await page.keyboard.press("n");
  await page.waitForFunction((s) => Number(document.querySelector("#watch-bar")?.dataset.tUs) === s, starts[starts.length - 1]);
  await page.locator("#watch-time").focus();
  await page.keyboard.press("p");
  await page.waitForFunction((s) => Number(document.querySelector("#watch-bar")?.dataset.tUs) === s, starts[starts.length - 2]);
  await screenshot(page, "watch-key-previous");
  assert.deepEqual(errors, []);
});

test("thousands of incidents: grouped by trigger and component, a group opens its rows in pages", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  // The default scenario at flow level over 30 days, its web tier failing every 10 minutes.
  const s = JSON.parse(readFileSync(new URL("../../src/scenario/builtins/liferay-reference.json", import.meta.url)));
  s.fidelity = "flow";
  s.horizon = "30d";
  s.expect = [];
  s.components.find((c) => c.id === "web").failure = { mtbf: "10m", mttr: "1m" };
  await page.locator("#import-file").setInputFiles({
    name: "many.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(s)),
  });
  await page.locator("#run-button").click();
  const groups = page.locator("[data-testid=incident-group]");
  await groups.first().waitFor({ timeout: 60_000 });
  assert.equal(await page.locator("[data-testid=incident-row]").count(), 0, "no row drawn per incident");
  const counts = await groups.evaluateAll((gs) => gs.map((g) => [g.cells[1].textContent, Number(g.dataset.count)]));
  const total = counts.reduce((a, [, n]) => a + n, 0);
  assert.ok(total > 2000, `thousands of incidents in all: ${JSON.stringify(counts)}`);
  const web = counts.filter(([c]) => c.startsWith("web")).reduce((a, [, n]) => a + n, 0);
  assert.ok(web > 0.95 * total, `nearly all in the web tier: ${JSON.stringify(counts)}`);
  // One group per (trigger, component): no key twice.
  const keys = await groups.evaluateAll((gs) => gs.map((g) => `${g.cells[0].textContent}|${g.cells[1].textContent}`));
  assert.equal(new Set(keys).size, keys.length, `${keys}`);
  await page.locator("#incident-groups").scrollIntoViewIfNeeded();
  await screenshot(page, "incident-groups");

  // Open the largest group of single records: its rows, drawn 200 at a time.
  const big = counts.findIndex(([c]) => c === "web#0");
  assert.ok(big >= 0, JSON.stringify(counts));
  await groups.nth(big).locator("[data-testid=incident-group-toggle]").click();
  const rows = page.locator("[data-testid=incident-row]");
  await rows.first().waitFor();
  assert.equal(await rows.count(), Math.min(200, counts[big][1]));
  assert.ok((await rows.evaluateAll((rs) => rs.map((r) => r.cells[2].textContent))).every((c) => c === "web#0"));
  if (counts[big][1] > 200) {
    await page.locator("[data-testid=show-more] button").click();
    await page.waitForFunction((n) => document.querySelectorAll("[data-testid=incident-row]").length === n, Math.min(400, counts[big][1]));
  }
  await screenshot(page, "incident-group-open");
  // A filter down to fewer than 200 gives rows again.
  await page.locator("#incident-filter").fill("zzz-nothing");
  await page.waitForFunction(() => document.querySelector("#incident-groups") === null);
  assert.deepEqual(errors, []);
});

function seconds(text) {
  const m = text.trim().match(/^(-?[\d.]+) (µs|ms|s|min|h|d|y)$/);
  assert.ok(m, `a duration: ${text}`);
  return Number(m[1]) * { "µs": 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600, d: 86400, y: 365 * 86400 }[m[2]];
}

async function shownRange(page) {
  const text = await page.locator("#chart-range").textContent();
  const [from, to] = text.replace(/^Showing /, "").split(" – ");
  return [seconds(from), seconds(to)];
}

test("charts: a zoomed chart pans by shift+drag and shift+arrows, its length kept, held at the run's start", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#charts").scrollIntoViewIfNeeded();
  const c = await page.locator("#chart-success-rate canvas").boundingBox();
  // The plot spans 66..550 of the canvas's 560 px; zoom to 30 %..60 % of the hour: 18..36 min.
  const scale = c.width / 560;
  const at = (f) => c.x + (66 + 484 * f) * scale;
  const y = c.y + c.height / 2;
  await page.mouse.move(at(0.3), y);
  await page.mouse.down();
  await page.mouse.move(at(0.6), y, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector("#chart-zoom")?.dataset.zoomed === "true");
  const near = (got, want, what) => assert.ok(Math.abs(got - want) < 20, `${what}: ${got} s, expected ${want} s`);
  let [from, to] = await shownRange(page);
  near(from, 1080, "zoomed from");
  near(to, 2160, "zoomed to");
  // Shift+drag a sixth of the plot to the left: 3 min later, still 18 min long.
  await page.keyboard.down("Shift");
  await page.mouse.move(at(0.5), y);
  await page.mouse.down();
  await page.mouse.move(at(0.5 - 1 / 6), y, { steps: 6 });
  await page.mouse.up();
  await page.keyboard.up("Shift");
  [from, to] = await shownRange(page);
  near(from, 1260, "panned from");
  near(to, 2340, "panned to");
  await screenshot(page, "chart-panned");
  // Shift+← on the focused chart: a quarter of the range (4.5 min) earlier.
  const was = await page.locator("#chart-range").textContent();
  const [from0] = [from];
  await page.locator("#chart-sessions canvas").focus();
  await page.keyboard.press("Shift+ArrowLeft");
  await page.waitForFunction((t) => document.querySelector("#chart-range")?.textContent !== t, was);
  [from, to] = await shownRange(page);
  near(from, from0 - 270, "a step back");
  near(to - from, 1080, "length kept");
  // Twice most of the plot to the right (2 × 0.85 × 18 min, more than the 16.5 min left): held
  // at the run's start, the length kept.
  await page.keyboard.down("Shift");
  for (let k = 0; k < 2; k++) {
    await page.mouse.move(at(0.1), y);
    await page.mouse.down();
    await page.mouse.move(at(0.95), y, { steps: 6 });
    await page.mouse.up();
  }
  await page.keyboard.up("Shift");
  [from, to] = await shownRange(page);
  near(from, 0, "held at the start");
  near(to, 1080, "length kept at the start");
  assert.equal(await page.locator("#chart-zoom").getAttribute("data-zoomed"), "true");
  await screenshot(page, "chart-pan-start");
  assert.deepEqual(errors, []);
});
