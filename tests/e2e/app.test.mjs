// End-to-end tests of the app, each asserting what a person would check (issue 5's list).
// Every test opens its own browser context: a fresh profile with empty storage.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { servedApp, settled, openPage, screenshot } from "./harness.mjs";

const served = servedApp();

/** Waits for a run started after `previous` was shown to finish with a new digest. */
async function newDigest(page, previous) {
  await page.waitForFunction(
    (d) => {
      const now = document.querySelector("#digest")?.textContent?.trim() ?? "";
      return /^[0-9a-f]{8,}$/.test(now) && now !== d && document.querySelector("#run-button") !== null;
    },
    previous,
    { timeout: 90_000 },
  );
  return digest(page);
}

const digest = async (page) => (await page.locator("#digest").textContent()).trim();
const incidents = (page) => page.locator("[data-testid=incident-row]");

test("the default scenario opens already run, with results", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const availability = await page.locator("#card-request-availability").textContent();
  assert.match(availability, /\d+(\.\d+)?\s*%/, `availability card: ${availability}`);
  for (const card of ["nines", "time-availability", "downtime-per-year", "lost-sessions", "lost-writes", "worst-rpo", "mean-rto", "worst-rto"]) {
    assert.ok(await page.locator(`#card-${card}`).isVisible(), `card ${card} visible`);
  }
  for (const node of ["lb", "web", "app", "db"]) {
    assert.ok(await page.locator(`[data-node-id=${node}]`).isVisible(), `node ${node} drawn`);
  }
  assert.ok((await incidents(page).count()) >= 1, "liferay-reference's scripted crashes appear as incidents");
  for (const chart of ["success-rate", "failures-by-cause", "sessions", "latency"]) {
    const box = await page.locator(`#chart-${chart}`).boundingBox();
    assert.ok(box && box.width > 100 && box.height > 50, `chart ${chart} drawn`);
  }
  await page.locator("#results").scrollIntoViewIfNeeded();
  await screenshot(page, "results");
  assert.deepEqual(errors, []);
});

test("add two components and connect them", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const before = await page.locator("[data-node-id]").count();
  await page.locator("#palette-cache").click();
  await page.locator("#palette-queue").click();
  assert.equal(await page.locator("[data-node-id]").count(), before + 2);
  const from = await page.locator("[data-handle-for=cache]").boundingBox();
  const to = await page.locator("[data-node-id=mq] rect").first().boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.locator('[data-edge="cache->mq"]').waitFor({ timeout: 5_000 });
  await page.locator("[data-node-id=cache]").click();
  await screenshot(page, "editor-inspector");
  assert.deepEqual(errors, []);
});

test("changing a parameter changes the result; undo restores the previous state", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const d0 = await digest(page);
  await page.locator("[data-node-id=app]").click();
  const nodes = page.locator("#f-components-2--spec-app-nodes");
  await nodes.fill("4");
  await nodes.press("Enter");
  await page.waitForFunction(() => document.querySelector("[data-node-id=app] .node-params")?.textContent.startsWith("4 nodes"));
  await page.locator("#run-button").click();
  const d1 = await newDigest(page, d0);
  assert.notEqual(d1, d0, "a different topology gives a different report");

  await page.locator("#undo-button").click();
  await page.waitForFunction(() => document.querySelector("[data-node-id=app] .node-params")?.textContent.startsWith("2 nodes"));
  await page.locator("#run-button").click();
  assert.equal(await newDigest(page, d1), d0, "after undo, the run equals the original one");
  assert.deepEqual(errors, []);
});

test("injecting a crash makes an incident appear", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const d0 = await digest(page);
  const rows = await incidents(page).count();
  await page.locator("[data-node-id=db]").click({ button: "right" });
  await page.locator("#fail-at-input").fill("30m");
  await page.locator("#fail-at-submit").click();
  await page.locator("#run-button").click();
  await newDigest(page, d0);
  assert.equal(await incidents(page).count(), rows + 1, "one more incident");
  const text = await page.locator("#incident-table").textContent();
  assert.match(text, /db/, "the new incident names the database");
  assert.deepEqual(errors, []);
});

test("the page stays responsive while a long run is in progress, and Cancel stops it", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  // A built-in with a week's horizon: seconds of work for the worker however fast the engine
  // gets (its own 4 h now take well under a second, too short to click Cancel reliably).
  const long = JSON.parse(readFileSync(new URL("../../src/scenario/builtins/zero-downtime-2dc.json", import.meta.url)));
  long.horizon = "7d";
  await page.locator("#import-file").setInputFiles({
    name: "long.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(long)),
  });
  await page.locator("#run-progress").waitFor({ timeout: 10_000 });
  // A click handled by the main thread while the worker is busy.
  await page.locator("#help-button").click();
  await page.locator("#help-panel").waitFor({ timeout: 2_000 });
  assert.ok(await page.locator("#run-progress").isVisible(), "the run is still in progress");
  await screenshot(page, "running");
  await page.locator("#cancel-button").click();
  await page.locator("#run-button").waitFor({ timeout: 10_000 });
  assert.equal(await page.locator("#run-progress").count(), 0, "the progress bar is gone after Cancel");
  assert.deepEqual(errors, []);
});

test("a copied link opens the same run (same digest) in a fresh browser profile", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const d0 = await digest(page);
  await page.locator("#scenario-picker").selectOption("keycloak-multisite");
  await newDigest(page, d0);
  await page.locator("#copy-link-button").click();
  await page.waitForFunction(() => location.hash.startsWith("#s=v1."));
  const url = page.url();
  const d = await digest(page);

  const other = await openPage(served.browser, url);
  await settled(other.page);
  assert.equal(await digest(other.page), d);
  assert.deepEqual(errors, []);
  assert.deepEqual(other.errors, []);
});

test("a broken link shows a clear message and the app still works", async () => {
  const { page } = await openPage(served.browser, `${served.url}#s=v1.nonsense`);
  const banner = page.locator("#link-error");
  await banner.waitFor({ timeout: 10_000 });
  assert.match(await banner.textContent(), /link/i);
  await settled(page);
  assert.ok(await page.locator("[data-node-id]").first().isVisible(), "a scenario is shown instead");
  await screenshot(page, "broken-link");

  const newer = await openPage(served.browser, `${served.url}#s=v9.abc`);
  await newer.page.locator("#link-error").waitFor({ timeout: 10_000 });
  assert.match(await newer.page.locator("#link-error").textContent(), /newer/i);
});

test("reload restores autosaved work", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#palette-doc_store").click();
  await page.locator("[data-node-id=docs]").waitFor();
  await page.reload();
  await page.locator("[data-node-id=docs]").waitFor({ timeout: 10_000 });
  assert.deepEqual(errors, []);
});

test("importing invalid scenario JSON shows where the problem is and keeps the work", async () => {
  const { page } = await openPage(served.browser, served.url);
  await settled(page);
  const nodes = await page.locator("[data-node-id]").count();
  await page.locator("#import-file").setInputFiles({
    name: "broken.json",
    mimeType: "application/json",
    buffer: Buffer.from('{ "version": 1, "name": "x", "horizon": "1h", "traffic": {}, "components": [ { "id": "a", "spec": { "app": { "wokers": 3 } } } ] }'),
  });
  const message = page.locator("#action-error");
  await message.waitFor({ timeout: 10_000 });
  assert.match(await message.textContent(), /wokers/, "the message names the unknown field");
  assert.equal(await page.locator("[data-node-id]").count(), nodes, "the previous work is kept");
});
