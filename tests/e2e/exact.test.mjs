// Issue 16: the Exact tab — the scenario's exact long-run values and the "improve this first"
// ranking, the top component marked on the canvas, a row selecting its component in the
// inspector, and the values following an edit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { servedApp, settled, openPage, screenshot } from "./harness.mjs";

const served = servedApp();

const text = (page, sel) => page.locator(sel).first().textContent();

test("a built-in's exact values and ranking, the top marked on the canvas, a row selects, an edit updates", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#scenario-picker").selectOption("liferay-reference");
  await page.waitForFunction(() => document.querySelector("[data-node-id=db]") !== null);
  await page.locator("#tab-exact").click();
  await page.locator("#exact-panel").waitFor({ state: "visible", timeout: 5_000 });
  assert.equal(await page.locator("#tab-exact").getAttribute("aria-selected"), "true");

  // The four exact values, as numbers with their nines.
  const request = await text(page, "#exact-request .card-value");
  assert.match(request, /^0\.\d{7} \(\d+\.\d\d nines\)$/);
  assert.match(await text(page, "#exact-time .card-value"), /^0\.\d{7} \(\d+\.\d\d nines\)$/);
  assert.match(await text(page, "#exact-downtime .card-value"), /min\/yr\)$/);
  assert.match(await text(page, "#exact-lost-writes .card-value"), /^\d+\.\d$/);

  // The ranking: every component of liferay-reference fails at random, ranked 1..4.
  const rows = page.locator("#exact-ranking tbody tr");
  assert.equal(await rows.count(), 4);
  const ids = await rows.evaluateAll((rs) => rs.map((r) => r.dataset.component));
  assert.deepEqual([...ids].sort(), ["app", "db", "lb", "web"]);
  const ranks = await rows.evaluateAll((rs) => rs.map((r) => r.dataset.rank));
  assert.deepEqual(ranks, ["1", "2", "3", "4"]);
  const top = ids[0];
  assert.ok(await rows.first().evaluate((r) => r.classList.contains("top")));

  // The top component is marked on the canvas, and only it.
  const marked = await page.locator("[data-improve-first=true]").evaluateAll((ns) => ns.map((n) => n.dataset.nodeId));
  assert.deepEqual(marked, [top]);
  assert.equal(await page.locator(`[data-node-id=${top}] .improve-badge`).count(), 1);
  assert.match(await page.locator(`[data-node-id=${top}]`).getAttribute("aria-label"), /improve this first/);
  await screenshot(page, "exact-tab");

  // A row selects its component in the inspector (the second one, to see the selection move).
  const second = ids[1];
  await rows.nth(1).locator("button").click();
  await page.waitForFunction((id) => document.querySelector("#inspector h3")?.textContent.endsWith(`: ${id}`), second);
  assert.equal(await page.locator(`[data-node-id=${second}]`).getAttribute("aria-pressed"), "true");
  await rows.first().locator("button").click();
  await page.waitForFunction((id) => document.querySelector("#inspector h3")?.textContent.endsWith(`: ${id}`), top);

  // Improve the top component: one more node (its tier) or a ten times shorter MTTR.
  const before = await text(page, "#exact-downtime .card-value");
  const nodes = page.locator('#inspector input[id$="-nodes"]');
  if (await nodes.count()) {
    const n = Number(await nodes.first().inputValue());
    await nodes.first().fill(String(n + 1));
    await nodes.first().press("Enter");
  } else {
    const mttr = page.locator('#inspector input[id$="--failure-mttr"]');
    await mttr.fill("6m");
    await mttr.press("Enter");
  }
  await page.waitForFunction(
    (b) => document.querySelector("#exact-downtime .card-value")?.textContent !== b,
    before,
    { timeout: 5_000 },
  );
  const after = await text(page, "#exact-request .card-value");
  assert.ok(Number(after.split(" ")[0]) > Number(request.split(" ")[0]), `${request} → ${after}`);
  await screenshot(page, "exact-after-edit");
  assert.deepEqual(errors, []);
});

test("a scenario without random failures says how to get exact values", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#scenario-picker").selectOption("liferay-reference");
  await page.waitForFunction(() => document.querySelector("[data-node-id=db]") !== null);
  await page.locator("#tab-exact").click();
  // Select each ranked component by its row and switch its random failures off.
  for (let left = 4; left > 0; left--) {
    const rows = page.locator("#exact-ranking tbody tr");
    assert.equal(await rows.count(), left);
    const id = await rows.first().getAttribute("data-component");
    await rows.first().locator("button").click();
    await page.waitForFunction((x) => document.querySelector("#inspector h3")?.textContent.endsWith(`: ${x}`), id);
    await page.locator("#random-failures").uncheck();
    await page.waitForFunction((n) => document.querySelectorAll("#exact-ranking tbody tr").length !== n, left);
  }
  await page.locator("#exact-none").waitFor({ state: "visible", timeout: 5_000 });
  assert.match(await text(page, "#exact-none"), /add MTBF\/MTTR to a component to see exact values/);
  assert.equal(await page.locator("#exact-ranking").count(), 0);
  assert.equal(await page.locator("[data-improve-first=true]").count(), 0);
  await screenshot(page, "exact-no-failures");
  assert.deepEqual(errors, []);
});
