// End-to-end tests of the topology editor and the fault timeline (the editor bullets):
// rubber-band selection, site boxes (create, name, resize, move nodes in and out, reload), pan
// and zoom, dragging a fault along the timeline, every fault kind from the picker, "fail at…",
// and the inspector's units, defaults and inline messages. Each test uses a fresh profile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFile } from "node:fs/promises";
import { servedApp, settled, openPage, screenshot, SCREENSHOTS } from "./harness.mjs";

const served = servedApp();

const box = (page, id) => page.locator(`[data-node-id=${id}] .node-box`).boundingBox();
const selectedNodes = (page) =>
  page.$$eval("[data-node-id][aria-pressed=true]", (els) => els.map((e) => e.getAttribute("data-node-id")).sort());
const centre = (b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

async function drag(page, from, to, { button = "left" } = {}) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down({ button });
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up({ button });
}

test("rubber band: dragging a rectangle on the empty canvas selects exactly the nodes inside; Shift adds", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const [lb, app, db] = [await box(page, "lb"), await box(page, "app"), await box(page, "db")];
  // From empty canvas above-left of app to below-right of db: app and db, not lb or web.
  const from = { x: app.x - 8, y: app.y - 25 };
  const to = { x: db.x + db.width + 20, y: db.y + db.height + 25 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 10 });
  const band = await page.locator("#selection-band").boundingBox();
  assert.ok(band && Math.abs(band.width - (to.x - from.x)) < 3, "the band follows the pointer while dragging");
  await screenshot(page, "rubber-band");
  await page.mouse.up();
  assert.deepEqual(await selectedNodes(page), ["app", "db"]);
  assert.equal(await page.locator("#selection-band").count(), 0, "the band is gone after release");
  assert.match(await page.locator("#inspector h3").first().textContent(), /2 selected/);
  // New site groups the selection: a box around app and db, with both as members; undo.
  await page.locator("#add-site").click();
  await page.locator("[data-site-id=site]").waitFor();
  assert.match(await page.locator("#site-members").textContent(), /app.*db|db.*app/s);
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => document.querySelector("[data-site-id=site]") === null);
  await page.locator("[data-node-id=app]").click();
  await page.keyboard.down("Shift");
  await page.locator("[data-node-id=db]").click();
  await page.keyboard.up("Shift");
  assert.deepEqual(await selectedNodes(page), ["app", "db"]);
  // Dragging one of the selected nodes moves both (measured against lb, which stays).
  const below = async () => (await box(page, "db")).y - (await box(page, "lb")).y;
  const dy0 = await below();
  await drag(page, centre(await box(page, "app")), { x: centre(app).x, y: centre(app).y + 50 });
  const dy1 = await below();
  assert.ok(Math.abs(dy1 - dy0 - 50) < 2, `db moved with app: ${dy0} → ${dy1}`);
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => {
    const y = (id) => document.querySelector(`[data-node-id=${id}] .node-box`).getBoundingClientRect().y;
    return Math.abs(y("db") - y("lb")) < 2;
  });

  // A band that covers lb and cuts through web takes lb only, and replaces the selection.
  const web = await box(page, "web");
  await drag(page, { x: lb.x - 10, y: lb.y - 20 }, { x: web.x + web.width / 2, y: lb.y + lb.height + 20 });
  assert.deepEqual(await selectedNodes(page), ["lb"], "only wholly enclosed nodes; a plain band replaces the selection");
  // Shift adds app and db.
  await page.keyboard.down("Shift");
  await drag(page, from, to);
  await page.keyboard.up("Shift");
  assert.deepEqual(await selectedNodes(page), ["app", "db", "lb"], "Shift adds to the selection");
  await screenshot(page, "rubber-band-selected");

  // From the keyboard: Ctrl+A selects every node; Shift+Enter on a focused node toggles it.
  await page.keyboard.press("Control+a");
  assert.deepEqual(await selectedNodes(page), ["app", "db", "lb", "web"]);
  await page.locator("[data-node-id=web]").focus();
  await page.keyboard.press("Shift+Enter");
  assert.deepEqual(await selectedNodes(page), ["app", "db", "lb"]);

  // The selection acts together: Delete removes the three; a click on the canvas clears.
  await page.keyboard.press("Delete");
  await page.waitForFunction(() => document.querySelectorAll("[data-node-id]").length === 1);
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => document.querySelectorAll("[data-node-id]").length === 4);
  await page.locator("[data-node-id=web]").click();
  const canvas = await page.locator("#topology-canvas").boundingBox();
  await page.mouse.click(canvas.x + 30, canvas.y + canvas.height - 30);
  assert.deepEqual(await selectedNodes(page), [], "a click on the empty canvas clears the selection");
  assert.deepEqual(errors, []);
});

test("sites: New site, name it, move nodes in and out, resize it; it survives a reload", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#add-site").click();
  const site = page.locator("[data-site-id=site]");
  await site.waitFor();
  assert.match(await page.locator("#inspector h3").first().textContent(), /Site site/);
  assert.match(await page.locator("#site-members").textContent(), /No components/);

  // Name it in the inspector: the canvas label shows the name.
  const name = page.locator("#f-sites-0--name");
  await name.fill("Frankfurt");
  await name.press("Enter");
  await page.waitForFunction(() => /Frankfurt \(site\)/.test(document.querySelector("[data-site-id=site] .site-label")?.textContent ?? ""));

  // Drag db into the box: it joins the site (the inspector's Site field says so).
  const siteBox = await site.locator("rect").first().boundingBox();
  await drag(page, centre(await box(page, "db")), centre(siteBox));
  await page.waitForFunction(() => document.querySelector("#f-components-3--site")?.value === "site");
  await site.locator(".site-label").click();
  assert.match(await page.locator("#site-members").textContent(), /db/);
  // The whole data tier in one site is a single point of failure: listed, and the box is
  // marked on the canvas with a symbol and a different outline (not colour alone).
  await page.waitForFunction(() => document.querySelector("[data-site-id=site]")?.classList.contains("has-warning"));
  assert.match(await site.locator(".site-label").textContent(), /^⚠/);
  assert.match(await site.getAttribute("aria-label"), /single point of failure/);
  assert.notEqual(await site.locator("rect").first().evaluate((r) => getComputedStyle(r).strokeDasharray), "6px, 4px");
  await page.locator("[data-testid=fault-marker-0]").click();
  await page.locator("#problems li[data-site=site] button").first().click();
  assert.match(await page.locator("#inspector h3").first().textContent(), /Site site/, "clicking the problem selects the site");

  // Resize from the corner: the box grows by what the pointer moved, in the inspector too.
  const widthField = page.locator("#f-sites-0--rect-2-");
  const w0 = Number(await widthField.inputValue());
  const handle = await page.locator("[data-resize-site=site]").boundingBox();
  const before = await site.locator("rect").first().boundingBox();
  await drag(page, centre(handle), { x: centre(handle).x + 120, y: centre(handle).y + 40 });
  const after = await site.locator("rect").first().boundingBox();
  assert.ok(Math.abs(after.width - before.width - 120) < 3, `width grew by the drag: ${before.width} → ${after.width}`);
  assert.ok(Math.abs(after.height - before.height - 40) < 3, `height grew by the drag: ${before.height} → ${after.height}`);
  await page.waitForFunction((w) => Number(document.querySelector("#f-sites-0--rect-2-")?.value) > w, w0);
  await screenshot(page, "site-box");
  // The inspector's width field resizes the box too.
  const w1 = Number(await widthField.inputValue()) + 50;
  await widthField.fill(String(w1));
  await widthField.press("Enter");
  await page.waitForFunction((w) => Number(document.querySelector("[data-site-id=site] rect").getAttribute("width")) === w, w1);

  // Drag db back out of every box: it leaves the site.
  const dbNow = centre(await box(page, "db"));
  await drag(page, dbNow, { x: dbNow.x, y: after.y - 60 });
  await page.waitForFunction(() => document.querySelector("#f-components-3--site")?.value === "");

  // Reload: the named, resized box is still there (autosave).
  await page.reload();
  await page.locator("[data-site-id=site]").waitFor({ timeout: 10_000 });
  assert.match(await page.locator("[data-site-id=site] .site-label").textContent(), /Frankfurt/);
  assert.equal(Number(await page.locator("[data-site-id=site] rect").first().getAttribute("width")), w1);
  assert.deepEqual(errors, []);
});

test("pan and zoom: the wheel zooms around the pointer, Pan tool / Space / middle button pan, Fit shows every node", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  // Wheel over a point inside db: that point stays under the pointer while db grows.
  const d0 = await box(page, "db");
  const p = { x: d0.x + d0.width * 0.25, y: d0.y + d0.height * 0.75 };
  await page.mouse.move(p.x, p.y);
  await page.mouse.wheel(0, -200);
  await page.waitForFunction((w) => document.querySelector("[data-node-id=db] .node-box").getBoundingClientRect().width > w + 5, d0.width);
  const d1 = await box(page, "db");
  assert.ok(Math.abs((p.x - d1.x) / d1.width - 0.25) < 0.02 && Math.abs((p.y - d1.y) / d1.height - 0.75) < 0.02,
    `the point under the pointer stays put: (${((p.x - d1.x) / d1.width).toFixed(3)}, ${((p.y - d1.y) / d1.height).toFixed(3)})`);

  const canvas = await page.locator("#topology-canvas").boundingBox();
  const empty = { x: canvas.x + 40, y: canvas.y + canvas.height - 40 };
  const moved = async (how, dx, dy) => {
    const a = await box(page, "web");
    await how();
    const b = await box(page, "web");
    assert.ok(Math.abs(b.x - a.x - dx) < 2 && Math.abs(b.y - a.y - dy) < 2, `panned by (${b.x - a.x}, ${b.y - a.y})`);
  };
  await page.locator("#pan-tool").click();
  assert.equal(await page.locator("#pan-tool").getAttribute("aria-pressed"), "true");
  await moved(() => drag(page, empty, { x: empty.x + 100, y: empty.y - 40 }), 100, -40);
  assert.deepEqual(await selectedNodes(page), [], "panning selects nothing");
  await page.locator("#pan-tool").click();
  // Space over the canvas pans (and does not scroll the page).
  await page.evaluate(() => document.activeElement?.blur());
  await page.mouse.move(empty.x, empty.y);
  await moved(async () => {
    await page.keyboard.down(" ");
    await drag(page, empty, { x: empty.x - 60, y: empty.y - 20 });
    await page.keyboard.up(" ");
  }, -60, -20);
  await moved(() => drag(page, empty, { x: empty.x + 30, y: empty.y - 10 }, { button: "middle" }), 30, -10);

  // Zoom in far, then Fit: every node is inside the canvas again.
  for (let i = 0; i < 6; i++) await page.locator("#zoom-in").click();
  const inside = async () => {
    for (const id of ["lb", "web", "app", "db"]) {
      const b = await box(page, id);
      if (b.x < canvas.x || b.y < canvas.y || b.x + b.width > canvas.x + canvas.width || b.y + b.height > canvas.y + canvas.height) return false;
    }
    return true;
  };
  assert.equal(await inside(), false, "zoomed in, some node is cut off");
  await page.locator("#zoom-fit").click();
  await page.waitForTimeout(100);
  assert.equal(await inside(), true, "after Fit every node is inside the canvas");
  assert.deepEqual(errors, []);
});

test("fault timeline: dragging a marker moves the fault's time (inspector and list); undo puts it back; Delete removes one", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const marker = page.locator("[data-testid=fault-marker-0]");
  assert.match(await marker.getAttribute("title"), /crash app#0 at 20m$/);
  const track = await page.locator("#fault-timeline .track").boundingBox();
  const m = await marker.boundingBox();
  // Its 10 min duration is a bar from the marker over 10/60 of the track.
  const span = page.locator("[data-testid=fault-span-0]");
  const b = await span.boundingBox();
  assert.ok(Math.abs(b.x - centre(m).x) < 3, `the bar starts at the marker: ${b.x} vs ${centre(m).x}`);
  assert.ok(Math.abs(b.width - track.width / 6) < 4, `10 min of 1 h: ${b.width} of ${track.width}`);
  // A quarter of the track is a quarter of the 1 h horizon: 20 min → about 35 min.
  await drag(page, centre(m), { x: centre(m).x + track.width / 4, y: centre(m).y });
  const at = page.locator("#f-faults-0--crash-at");
  await at.waitFor();
  const text = await at.inputValue();
  const mins = (() => {
    const g = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
    assert.ok(g, `a duration: ${text}`);
    return Number(g[1] ?? 0) * 60 + Number(g[2] ?? 0) + Number(g[3] ?? 0) / 60;
  })();
  assert.ok(Math.abs(mins - 35) < 1, `the fault now starts at about 35 min: ${text}`);
  assert.match(await page.locator("[data-testid=fault-row-0]").textContent(), new RegExp(`at ${text}`));
  const moved = await span.boundingBox();
  assert.ok(Math.abs(moved.x - b.x - track.width / 4) < 6, `the bar moved with the marker: ${b.x} → ${moved.x}`);
  await screenshot(page, "fault-dragged");
  await page.locator("#undo-button").click();
  await page.waitForFunction(() => / at 20m$/.test(document.querySelector("[data-testid=fault-marker-0]")?.getAttribute("title") ?? ""));
  // Delete on a focused marker removes that fault; undo brings it back.
  const markers = page.locator("[data-testid^=fault-marker-]");
  const n = await markers.count();
  await page.locator("[data-testid=fault-marker-1]").click();
  await page.keyboard.press("Delete");
  await page.waitForFunction((k) => document.querySelectorAll("[data-testid^=fault-marker-]").length === k - 1, n);
  assert.match(await page.locator("[data-testid=fault-marker-0]").getAttribute("title"), /crash app#0/, "the other fault stays");
  await page.keyboard.press("Control+z");
  await page.waitForFunction((k) => document.querySelectorAll("[data-testid^=fault-marker-]").length === k, n);
  assert.deepEqual(errors, []);
});

test("every fault kind can be added from the timeline's picker", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const kinds = await page.$$eval("#fault-kind option", (os) => os.map((o) => o.value));
  for (const k of ["crash", "hang", "error_rate", "latency", "leak", "flapping", "site_outage", "partition", "traffic_spike", "rolling_restart", "blue_green", "disk_full"]) {
    assert.ok(kinds.includes(k), `the picker offers ${k}`);
  }
  // Site faults need sites: without any, the picker says what to do and adds nothing.
  const rows = page.locator("[data-testid^=fault-row-]");
  const n0 = await rows.count();
  await page.locator("#fault-kind").selectOption("site_outage");
  await page.locator("#add-fault").click();
  assert.match(await page.locator("#fault-timeline [role=alert]").textContent(), /site/i);
  assert.equal(await rows.count(), n0);
  await page.locator("#add-site").click();
  await page.locator("#add-site").click();
  await page.locator("[data-site-id=site2]").waitFor();
  for (const [i, k] of kinds.entries()) {
    await page.locator("#fault-kind").selectOption(k);
    await page.locator("#add-fault").click();
    await page.waitForFunction((n) => document.querySelectorAll("[data-testid^=fault-row-]").length === n, n0 + i + 1);
    const row = await page.locator(`[data-testid=fault-row-${n0 + i}]`).textContent();
    assert.ok(row.startsWith(k.replace(/_/g, " ")), `row ${n0 + i} is a ${k}: ${row}`);
    assert.match(await page.locator("#inspector h3").first().textContent(), new RegExp(`Fault #${n0 + i + 1}`));
  }
  assert.equal(await page.locator("[data-testid^=fault-marker-]").count(), n0 + kinds.length);
  // A fault that cannot act (DNS failure without DNS routing) is marked ⚠ on the timeline.
  const dns = page.locator(".fault-marker.fault-dns_failure");
  assert.equal((await dns.textContent()).trim(), "⚠");
  assert.match(await dns.getAttribute("title"), /DNS/);
  await page.locator("#fault-timeline").scrollIntoViewIfNeeded();
  await screenshot(page, "every-fault");
  assert.deepEqual(errors, []);
});

test("right-click a node → Fail at…: a bad time is explained, a good one adds a crash there", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const n0 = await page.locator("[data-testid^=fault-marker-]").count();
  await page.locator("[data-node-id=db]").click({ button: "right" });
  await page.locator("#fail-at-input").fill("soon");
  await page.locator("#fail-at-submit").click();
  assert.match(await page.locator("#fail-at-msg").textContent(), /not a time/);
  assert.equal(await page.locator("[data-testid^=fault-marker-]").count(), n0, "nothing added");
  await page.locator("#fail-at-input").fill("45m");
  await page.locator("#fail-at-submit").click();
  await page.locator("#fail-at-menu").waitFor({ state: "detached" });
  assert.match(await page.locator(`[data-testid=fault-marker-${n0}]`).getAttribute("title"), /crash db#0 at 45m/);
  assert.equal(await page.locator("#f-faults-2--crash-target").inputValue(), "db");
  assert.deepEqual(errors, []);
});

test("inspector: units, defaults, inline messages; MTBF/MTTR per component; fault defaults", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("[data-node-id=app]").click();
  const field = (id) => page.locator(`#${id}`).locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' field ')][1]");
  const nodes = await field("f-components-2--spec-app-nodes").textContent();
  assert.match(nodes, /nodes/, "unit shown");
  assert.match(nodes, /default 2/, "default shown");
  // A bad duration stays in the field with a message; the scenario is unchanged.
  const st = page.locator("#f-components-2--spec-app-capacity-service-time");
  await st.fill("fast");
  await st.press("Enter");
  assert.match(await page.locator("#f-components-2--spec-app-capacity-service-time-msg").textContent(), /not a duration/);
  assert.equal(await st.getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator("#undo-button").isDisabled(), true, "nothing was committed");
  // Random failures (the built-in has them): turned off, then on again, MTBF and MTTR come back
  // with their defaults.
  await page.locator("#random-failures").uncheck();
  await page.waitForFunction(() => document.querySelector("#f-components-2--failure-mtbf") === null);
  await page.locator("#random-failures").check();
  await page.locator("#f-components-2--failure-mtbf").waitFor();
  assert.equal(await page.locator("#f-components-2--failure-mttr").inputValue(), "1h");
  // A fault's optional fields say what absent means.
  await page.locator("[data-testid=fault-marker-0]").click();
  assert.match(await field("f-faults-0--crash-duration").textContent(), /default until the end of the run/);
  assert.match(await field("f-faults-0--crash-node").textContent(), /default all nodes/);
  await page.locator("#inspector").screenshot({ path: join(SCREENSHOTS, "fault-inspector.png") });
  assert.deepEqual(errors, []);
});

test("the scenario exports as a JSON file that imports back in a fresh profile", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#palette-cache").click();
  await page.locator("[data-node-id=cache]").waitFor();
  await page.locator("#add-site").click();
  await page.locator("[data-site-id=site]").waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export-button").click()]);
  assert.match(download.suggestedFilename(), /\.json$/);
  const text = await readFile(await download.path(), "utf8");
  const exported = JSON.parse(text);
  assert.ok(exported.components.some((c) => c.id === "cache"), "the export has the new node");
  assert.equal(exported.sites[0].id, "site");

  const other = await openPage(served.browser, served.url);
  await settled(other.page);
  assert.equal(await other.page.locator("[data-node-id=cache]").count(), 0, "a fresh profile starts without it");
  await other.page.locator("#import-file").setInputFiles({ name: "mine.json", mimeType: "application/json", buffer: Buffer.from(text) });
  await other.page.locator("[data-node-id=cache]").waitFor({ timeout: 10_000 });
  assert.equal(await other.page.locator("[data-site-id=site]").count(), 1);
  assert.deepEqual(errors, []);
  assert.deepEqual(other.errors, []);
});
