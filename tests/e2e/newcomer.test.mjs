// End-to-end tests of what a newcomer meets (issue 14): wiring by keyboard, the inspector's
// figures after an edit, placing a new component, the charts' zoom and the incidents. Each test
// uses a fresh profile and takes screenshots of what it checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { servedApp, settled, openPage, screenshot } from "./harness.mjs";

const served = servedApp();

const edges = (page) =>
  page.$$eval("[data-edge]", (els) => els.map((e) => e.getAttribute("data-edge")).sort());
const box = (page, id) => page.locator(`[data-node-id=${id}] .node-box`).boundingBox();

test("keyboard wiring: ArrowDown in 'Add a call to…' only chooses; upstream targets are disabled; a cycle is refused; back edges loop under", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const before = await edges(page);
  assert.deepEqual(before, ["app->db", "lb->web", "web->app"]);

  // lb may call app or db: the first ArrowDown chooses app and adds nothing.
  await page.locator("[data-node-id=lb]").click();
  const list = page.locator("#add-call");
  await list.focus();
  await page.keyboard.press("ArrowDown");
  assert.equal(await list.inputValue(), "app", "ArrowDown moves to the first target");
  assert.deepEqual(await edges(page), before, "choosing a target does not add the call");
  assert.equal(await page.locator("#add-call-button").isDisabled(), false);
  await screenshot(page, "wiring-chosen");
  // Enter in the list makes the call.
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector('[data-edge="lb->app"]') !== null);
  assert.deepEqual(await edges(page), ["app->db", "lb->app", "lb->web", "web->app"]);
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => document.querySelector('[data-edge="lb->app"]') === null);

  // app: every other component is upstream; the list says so and offers nothing to commit.
  await page.locator("[data-node-id=app]").click();
  const options = await page.$$eval("#add-call option", (os) => os.map((o) => [o.value, o.disabled, o.textContent]));
  assert.deepEqual(options.slice(1), [
    ["lb", true, "lb (would make a cycle)"],
    ["web", true, "web (would make a cycle)"],
  ]);
  assert.equal(await page.locator("#add-call").isDisabled(), true);
  assert.equal(await page.locator("#add-call-button").isDisabled(), true);
  await screenshot(page, "wiring-upstream-disabled");

  // Dragging app's handle onto lb is refused with a message naming the loop.
  const handle = await page.locator("[data-handle-for=app]").boundingBox();
  const lb = await box(page, "lb");
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(lb.x + lb.width / 2, lb.y + lb.height / 2, { steps: 10 });
  await page.mouse.up();
  const banner = page.locator("#action-error");
  await banner.waitFor({ timeout: 5_000 });
  assert.match(await banner.textContent(), /`app` cannot call `lb`.*lb → web → app.*cycle/);
  assert.deepEqual(await edges(page), before, "the refused call is not added");
  await screenshot(page, "wiring-cycle-refused");

  // A scenario that already has a cycle (imported): the back edge app → lb is dashed and loops
  // under the nodes instead of crossing the forward edges.
  const cyclic = JSON.parse(readFileSync(new URL("../../src/scenario/builtins/liferay-reference.json", import.meta.url)));
  cyclic.components.find((c) => c.id === "app").next.push("lb");
  await page.locator("#import-file").setInputFiles({
    name: "cyclic.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(cyclic)),
  });
  const back = page.locator('[data-edge="app->lb"]');
  await back.waitFor({ timeout: 10_000 });
  assert.match(await back.getAttribute("class"), /\bback\b.*\bcycle\b/);
  assert.match(await page.locator('[data-edge="lb->web"]').getAttribute("class"), /\bcycle\b/);
  assert.doesNotMatch(await page.locator('[data-edge="app->db"]').getAttribute("class"), /cycle/);
  const line = await back.locator(".edge-line").boundingBox();
  const bottoms = await Promise.all(["lb", "web", "app"].map(async (id) => { const b = await box(page, id); return b.y + b.height; }));
  assert.ok(line.y + line.height > Math.max(...bottoms) + 5, `the back edge runs under the nodes: ${JSON.stringify(line)} vs ${bottoms}`);
  assert.match(await page.locator("#problems").textContent(), /cycle in next/);
  await screenshot(page, "wiring-back-edge");
  assert.deepEqual(errors, []);
});

test("inspector figures: fresh after a run, marked stale after an edit, never another component's", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("[data-node-id=lb]").click();
  const figures = page.locator("#component-figures");
  await figures.waitFor();
  assert.equal(await figures.getAttribute("data-stale"), "false");
  assert.equal(await page.locator("#component-figures-stale").count(), 0);
  assert.match(await figures.textContent(), /Served\d{1,3}(,\d{3})+ requests/, "thousands separators");
  assert.match(await figures.textContent(), /Nodes2/);
  // A load balancer's parameters start with its mode and stickiness; MTBF / MTTR written out.
  const params = await page.$$eval("#inspector fieldset.group:first-of-type > .field > label", (ls) => ls.map((l) => l.textContent));
  assert.deepEqual(params.slice(0, 2), ["Mode", "Sticky"], `${params}`);
  // The built-in has random failures: their fields are shown.
  assert.equal(await page.locator("#random-failures").isChecked(), true);
  await page.locator("#f-components-0--failure-mtbf").waitFor();
  assert.equal(await page.locator('label[for="f-components-0--failure-mtbf"]').textContent(), "MTBF");
  assert.equal(await page.locator('label[for="f-components-0--failure-mttr"]').textContent(), "MTTR");
  await screenshot(page, "inspector-lb-fields");
  // Turned off and undone: the scenario is the one that ran, its figures are not stale.
  await page.locator("#random-failures").uncheck();
  await page.waitForFunction(() => document.querySelector("#f-components-0--failure-mtbf") === null);
  await page.locator("#undo-button").click();
  await page.locator("#f-components-0--failure-mtbf").waitFor();
  await page.locator("[data-node-id=lb]").click();
  assert.equal(await figures.getAttribute("data-stale"), "false");

  // An edit elsewhere (app gets 4 nodes): lb's figures stay, marked stale.
  await page.locator("[data-node-id=app]").click();
  const nodes = page.locator("#f-components-2--spec-app-nodes");
  await nodes.fill("4");
  await nodes.press("Enter");
  await page.waitForFunction(() => document.querySelector("[data-node-id=app] .node-params")?.textContent.startsWith("4 nodes"));
  // app itself changed: its old figures are another app's, so none are shown.
  assert.equal(await figures.count(), 0);
  assert.match(await page.locator("#component-figures-none").textContent(), /app has changed since the last run/);
  await page.locator("[data-node-id=lb]").click();
  assert.equal(await figures.getAttribute("data-stale"), "true");
  assert.match(await page.locator("#component-figures-stale").textContent(), /Stale.*Run to update/);
  await screenshot(page, "figures-stale");

  // The pair deleted and a new (single) load balancer added: it takes the id lb, but the old
  // pair's "Served … · Nodes 2" is not shown for it.
  await page.keyboard.press("Delete");
  await page.waitForFunction(() => document.querySelector("[data-node-id=lb]") === null);
  await page.locator("#palette-load_balancer").click();
  await page.locator("[data-node-id=lb]").waitFor();
  await page.waitForFunction(() => /Load balancer: lb/.test(document.querySelector("#inspector h3")?.textContent ?? ""));
  assert.equal(await figures.count(), 0, "no figures of the old pair");
  assert.match(await page.locator("#component-figures-none").textContent(), /lb has changed since the last run: Run to see its figures/);
  await screenshot(page, "figures-new-component");
  assert.deepEqual(errors, []);
});

test("a new component: the first is the entry, the next goes beside the selected one and is wired; an unwired draft only warns", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#new-button").click();
  await page.waitForFunction(() => document.querySelectorAll("[data-node-id]").length === 0, null, { timeout: 10_000 });

  // The first component is the entry point (its ⇥ badge; no entry problem).
  await page.locator("#palette-load_balancer").click();
  await page.locator("[data-node-id=lb] .node-badge").first().waitFor();
  assert.equal(await page.locator('#problems [data-path="traffic.entry"]').count(), 0);
  // With lb selected, Web tier goes one column right of it, at its height, and lb calls it;
  // then App cluster beside web, called by web.
  await page.locator("#palette-web").click();
  await page.locator('[data-edge="lb->web"]').waitFor();
  await page.locator("#palette-app").click();
  await page.locator('[data-edge="web->app"]').waitFor();
  const [lb, web, app] = [await box(page, "lb"), await box(page, "web"), await box(page, "app")];
  const cy = (b) => b.y + b.height / 2;
  assert.ok(Math.abs(cy(web) - cy(lb)) < 1 && Math.abs(cy(app) - cy(web)) < 1, `one row: ${JSON.stringify([lb, web, app])}`);
  assert.ok(web.x > lb.x + lb.width && app.x > web.x + web.width, "left to right, without overlap");
  assert.deepEqual(await edges(page), ["lb->web", "web->app"]);
  await screenshot(page, "new-component-wired");

  // No entry: the problem is a link to the entry checkboxes, even from another selection.
  await page.locator("[data-node-id=web]").click();
  await page.locator("#inspector h3").first().waitFor();
  const canvas = await page.locator("#topology-canvas").boundingBox();
  await page.mouse.click(canvas.x + 30, canvas.y + canvas.height - 30);
  await page.locator("#entry-lb").uncheck();
  const entryProblem = page.locator('#problems [data-path="traffic.entry"] button');
  await entryProblem.waitFor();
  assert.match(await entryProblem.textContent(), /needs at least one entry component/);
  await page.locator("[data-node-id=web]").click();
  await entryProblem.click();
  await page.waitForFunction(() => document.activeElement?.id === "entry-lb");
  assert.match(await page.locator("#inspector h3").first().textContent(), /Scenario/);
  await screenshot(page, "entry-problem-followed");
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelector('#problems [data-path="traffic.entry"]') === null);

  // A draft dropped on the canvas, not wired yet: a warning, and Run still runs.
  const drop = { x: Math.round(canvas.width * 0.5), y: Math.round(canvas.height - 60) };
  await page.locator("#palette-cache").dragTo(page.locator("#topology-canvas"), { targetPosition: drop });
  await page.locator("[data-node-id=cache]").waitFor();
  const draft = page.locator("#problems li[data-component=cache]");
  await draft.first().waitFor();
  assert.deepEqual(await draft.evaluateAll((ls) => ls.map((l) => l.className)), ["warning"]);
  assert.match(await draft.textContent(), /unreachable.*gets no traffic/);
  assert.match(await page.locator("[data-node-id=cache]").getAttribute("class"), /has-warning/);
  const before = (await page.locator("#digest").textContent()).trim();
  await page.locator("#run-button").click();
  await page.waitForFunction((d) => {
    const now = document.querySelector("#digest")?.textContent?.trim() ?? "";
    return /^[0-9a-f]{8,}$/.test(now) && now !== d;
  }, before, { timeout: 90_000 });
  await screenshot(page, "draft-warning-runs");
  assert.deepEqual(errors, []);
});

/** Seconds from the app's duration text (`12.0 s`, `3.5 min`, `2.1 h`, …). */
function seconds(text) {
  const m = text.trim().match(/^(-?[\d.]+) (µs|ms|s|min|h|d|y)$/);
  assert.ok(m, `a duration: ${text}`);
  const unit = { "µs": 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600, d: 86400, y: 365 * 86400 }[m[2]];
  return Number(m[1]) * unit;
}

async function shownRange(page) {
  const text = await page.locator("#chart-range").textContent();
  const [from, to] = text.replace(/^Showing /, "").split(" – ");
  return [seconds(from), seconds(to)];
}

const pixels = (page, key) => page.locator(`#chart-${key} canvas`).evaluate((c) => c.toDataURL());

test("charts: drag to zoom all four to a time range, a shared crosshair, double-click resets", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#charts").scrollIntoViewIfNeeded();
  assert.equal(await page.locator("#chart-zoom").getAttribute("data-zoomed"), "false");
  const before = await Promise.all(["success-rate", "sessions"].map((k) => pixels(page, k)));
  const c = await page.locator("#chart-success-rate canvas").boundingBox();
  // The plot spans 66..550 of the canvas's 560 px; drag from 30 % to 60 % of it.
  const scale = c.width / 560;
  const at = (f) => c.x + (66 + 484 * f) * scale;
  const y = c.y + c.height / 2;
  await page.mouse.move(at(0.3), y);
  await page.mouse.down();
  await page.mouse.move(at(0.6), y, { steps: 8 });
  assert.equal(await page.locator("#chart-success-rate .chart-zoom-band").count(), 1, "the range is shown while dragging");
  await screenshot(page, "chart-zoom-dragging");
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector("#chart-zoom")?.dataset.zoomed === "true");
  // The default run is an hour: 30 %..60 % is 18..36 min.
  const [from, to] = await shownRange(page);
  assert.ok(Math.abs(from - 1080) < 30 && Math.abs(to - 2160) < 30, `range ${from}..${to}`);
  const after = await Promise.all(["success-rate", "sessions"].map((k) => pixels(page, k)));
  assert.notEqual(after[0], before[0], "the dragged chart is redrawn");
  assert.notEqual(after[1], before[1], "the other charts follow");
  // One crosshair for the four charts: hovering one shows a cursor and a readout on each.
  await page.mouse.move(at(0.5), y);
  await page.waitForFunction(() => document.querySelectorAll(".chart-cursor").length === 4);
  for (const k of ["success-rate", "failures-by-cause", "sessions", "latency"]) {
    assert.match(await page.locator(`#chart-${k}-hover`).textContent(), /^at \d/, k);
  }
  await screenshot(page, "chart-zoomed");
  // Double-click: the whole run again.
  await page.mouse.dblclick(at(0.5), y);
  await page.waitForFunction(() => document.querySelector("#chart-zoom")?.dataset.zoomed === "false");
  assert.equal(await pixels(page, "sessions"), before[1], "reset draws the whole run as before");
  await screenshot(page, "chart-zoom-reset");
  assert.deepEqual(errors, []);
});

test("incidents: a click zooms the charts to that incident", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const rows = page.locator("[data-testid=incident-row]");
  assert.ok((await rows.count()) >= 2, "the default run has incidents");
  for (const i of [1, 0]) {
    const row = rows.nth(i);
    const start = seconds(await row.locator("td").nth(3).textContent());
    const rto = seconds(await row.locator("td").nth(4).textContent());
    await row.click();
    await page.waitForFunction(() => document.querySelector("#chart-zoom")?.dataset.zoomed === "true");
    const [from, to] = await shownRange(page);
    assert.ok(from < start && to > start + rto, `incident ${i} at ${start} s (RTO ${rto} s) in ${from}..${to}`);
    assert.ok(to - from < 1800, `zoomed in: ${from}..${to}`);
  }
  assert.ok(await page.locator("#charts").isVisible());
  await screenshot(page, "incident-zoom");
  // Sorted by failed requests, largest first (a second click on the header); filtered by text.
  const failed = async () => (await rows.evaluateAll((rs) => rs.map((r) => Number(r.cells[5].textContent.replace(/,/g, "")))));
  await page.locator('button[data-sort="Failed requests"]').click();
  await page.locator('button[data-sort="Failed requests"]').click();
  const desc = await failed();
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a), `largest first: ${desc}`);
  assert.equal(await page.locator('th:has(button[data-sort="Failed requests"])').getAttribute("aria-sort"), "descending");
  await page.locator("#incident-filter").fill("lb#");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=incident-row]").length === 1);
  assert.match(await rows.first().locator("td").nth(2).textContent(), /^lb#/);
  assert.match(await page.locator("#incident-count").textContent(), /^1 of \d+/);
  await screenshot(page, "incidents-sorted-filtered");
  await page.locator("#chart-zoom-reset").click();
  await page.waitForFunction(() => document.querySelector("#chart-zoom")?.dataset.zoomed === "false");
  assert.deepEqual(errors, []);
});

test("charts: fault markers have hover targets listing each fault in full, clustered when close", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#charts").scrollIntoViewIfNeeded();
  const targets = page.locator("#chart-success-rate [data-testid=chart-marker]");
  assert.ok((await targets.count()) >= 1, "the default run has fault markers");
  const titles = await targets.evaluateAll((ts) => ts.map((t) => t.title));
  for (const t of titles) {
    for (const line of t.split("\n")) assert.match(line, /^-?[\d.]+ (µs|ms|s|min|h|d|y): \S/, `a moment and a label: ${line}`);
  }
  // The four charts share the same markers.
  const others = await page.locator("#chart-sessions [data-testid=chart-marker]").evaluateAll((ts) => ts.map((t) => t.title));
  assert.deepEqual(others, titles);
  // Targets are left to right, at least a cluster gap apart (28 of 560 canvas px = 5 %).
  const lefts = await targets.evaluateAll((ts) => ts.map((t) => parseFloat(t.style.left)));
  for (let i = 1; i < lefts.length; i++) assert.ok(lefts[i] - lefts[i - 1] >= 4.99, `apart: ${lefts}`);
  await targets.first().hover();
  await screenshot(page, "chart-marker-hover");
  assert.deepEqual(errors, []);
});

test("charts: PNG export is twice the on-screen canvas, with a title line", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#charts").scrollIntoViewIfNeeded();
  const canvas = await page.locator("#chart-sessions canvas").evaluate((c) => [c.width, c.height]);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator('#chart-sessions button[aria-label^="Export"]').click(),
  ]);
  assert.equal(download.suggestedFilename(), "failover-lab-sessions.png");
  const png = readFileSync(await download.path());
  // The PNG signature, then the IHDR chunk: width and height, big-endian, at bytes 16 and 20.
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.toString("latin1", 12, 16), "IHDR");
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  // Twice the canvas, and a 24 px title line (48 at 2×) above the chart.
  assert.equal(w, 2 * canvas[0]);
  assert.equal(h, 2 * (canvas[1] + 24));
  // Look at it: shown in the page, screenshotted.
  await page.evaluate((b64) => {
    const img = document.createElement("img");
    img.id = "exported";
    img.src = `data:image/png;base64,${b64}`;
    img.style = "position:fixed;left:0;top:0;z-index:9999;background:white;border:2px solid red";
    document.body.append(img);
  }, png.toString("base64"));
  await page.waitForFunction(() => document.querySelector("#exported")?.complete);
  await screenshot(page, "chart-png-export");
  assert.deepEqual(errors, []);
});
