// End-to-end tests of the scenario library (issue 12): links open as new entries next to the
// user's work (on load and on hashchange), two tabs keep their own work, New, rename, duplicate,
// delete, the old autosave slot migrated, unreadable copies kept until discarded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { servedApp, settled, openPage, screenshot } from "./harness.mjs";

const served = servedApp();

const node = (page, id) => page.locator(`[data-node-id=${id}]`);
const nodeIds = (page) => page.locator("[data-node-id]").evaluateAll((ns) => [...new Set(ns.map((n) => n.dataset.nodeId))].sort());
const entries = (page) => page.locator("#library-panel [data-entry-id]");

async function openLibrary(page) {
  if ((await page.locator("#library-panel").count()) === 0) await page.locator("#library-button").click();
  await page.locator("#library-panel").waitFor();
}

async function entryNames(page) {
  await openLibrary(page);
  return page.locator("#library-panel [data-entry-id] .entry-name").allTextContents();
}

/** The library keys in this profile's localStorage. */
const storedKeys = (page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("failover-lab.")).sort());

/** A share link (the full URL) for keycloak-multisite, made in a profile of its own. */
async function keycloakLink() {
  const { page, context } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#scenario-picker").selectOption("keycloak-multisite");
  await page.locator("#copy-link-button").click();
  await page.waitForFunction(() => location.hash.startsWith("#s=v1."));
  const url = page.url();
  const ids = await nodeIds(page);
  await context.close();
  return { url, hash: new URL(url).hash, ids };
}

/** Adds a component of `kind` from the palette and waits for node `id`. */
async function add(page, kind, id) {
  await page.locator(`#palette-${kind}`).click();
  await node(page, id).waitFor();
}

test("a link opened over existing work opens as a new entry and keeps that work", async () => {
  const link = await keycloakLink();
  const { page, errors, context } = await openPage(served.browser, served.url);
  await settled(page);
  await add(page, "doc_store", "docs");

  // The teammate's link, opened in a new tab of the same profile.
  const other = await context.newPage();
  await other.goto(link.url);
  await settled(other);
  assert.deepEqual(await nodeIds(other), link.ids, "the link's scenario is shown");
  assert.match(await other.locator("#info").textContent(), /new entry/);
  assert.deepEqual((await entryNames(other)).sort(), ["keycloak-multisite", "liferay-reference"]);
  await screenshot(other, "library-link-as-new-entry");

  // The work is still there: in the first tab after a reload, and in the library.
  await page.reload();
  await node(page, "docs").waitFor({ timeout: 10_000 });
  await other.locator("#library-panel [data-open=false] [data-action=open]").click();
  await node(other, "docs").waitFor({ timeout: 10_000 });
  assert.equal(await other.locator("#undo-button").isDisabled(), true, "a fresh history per scenario");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a link pasted into the address bar (hashchange) opens as a new entry, the work kept", async () => {
  const link = await keycloakLink();
  const { page, errors, context } = await openPage(served.browser, served.url);
  await settled(page);
  await add(page, "doc_store", "docs");
  await page.evaluate((h) => { location.hash = h; }, link.hash);
  await page.waitForFunction((n) => document.querySelectorAll("[data-node-id]").length === n && !document.querySelector("[data-node-id=docs]"), link.ids.length, { timeout: 10_000 });
  await settled(page);
  assert.deepEqual(await nodeIds(page), link.ids);
  assert.match(await page.locator("#info").textContent(), /new entry/);
  // A reload shows the link's entry again without importing it twice.
  await page.reload();
  await settled(page);
  assert.deepEqual(await nodeIds(page), link.ids);
  assert.equal((await entryNames(page)).length, 2, "two entries: the work and the link");
  await page.locator("#library-panel [data-open=false] [data-action=open]").click();
  await node(page, "docs").waitFor({ timeout: 10_000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test("two tabs keep their own work, and a conflict on one entry forks instead of overwriting", async () => {
  const { page: a, errors, context } = await openPage(served.browser, served.url);
  await settled(a);
  await add(a, "doc_store", "docs");
  // A second tab opens the most recent work, then starts its own with New.
  const b = await context.newPage();
  await b.goto(served.url);
  await node(b, "docs").waitFor({ timeout: 10_000 });
  await b.locator("#new-button").click();
  await b.waitForFunction(() => document.querySelectorAll("[data-node-id]").length === 0, null, { timeout: 10_000 });
  await add(b, "cache", "cache");
  await add(a, "queue", "mq");
  await a.reload();
  await b.reload();
  await node(a, "mq").waitFor({ timeout: 10_000 });
  await node(b, "cache").waitFor({ timeout: 10_000 });
  assert.ok((await nodeIds(a)).includes("docs") && !(await nodeIds(a)).includes("cache"), "tab A: its own work");
  assert.deepEqual(await nodeIds(b), ["cache"], "tab B: its own work");

  // A third tab opens A's entry (the most recent); both edit it: neither edit is lost.
  const c = await context.newPage();
  await c.goto(served.url);
  await node(c, "mq").waitFor({ timeout: 10_000 });
  await add(c, "search_index", "search");
  await add(a, "web", "web2");
  await a.locator("#info").waitFor({ timeout: 10_000 });
  assert.match(await a.locator("#info").textContent(), /changed in another tab.*saved as/);
  await a.reload();
  await c.reload();
  await node(a, "web2").waitFor({ timeout: 10_000 });
  await node(c, "search").waitFor({ timeout: 10_000 });
  assert.equal(await node(a, "search").count(), 0);
  assert.equal(await node(c, "web2").count(), 0);
  assert.equal((await entryNames(a)).length, 3);
  await screenshot(a, "library-three-entries");
  assert.deepEqual(errors, []);
  await context.close();
});

test("New starts an empty scenario; rename, duplicate and delete (after confirming) in the Library", async () => {
  const { page, errors, context } = await openPage(served.browser, served.url);
  await settled(page);
  await page.locator("#new-button").click();
  await page.waitForFunction(() => document.querySelectorAll("[data-node-id]").length === 0, null, { timeout: 10_000 });
  assert.equal(await page.locator("#undo-button").isDisabled(), true);
  // Sensible traffic defaults: the traffic fields of the new scenario are filled in.
  await add(page, "load_balancer", "lb");
  await openLibrary(page);
  const open = page.locator("#library-panel [data-open=true]");
  assert.match(await open.locator(".entry-name").textContent(), /^Untitled$/);
  assert.match(await open.locator(".entry-meta").textContent(), /1 component/);

  await open.locator("[data-action=rename]").click();
  await page.locator("#rename-input").fill("Checkout flow");
  await page.locator("#rename-input").press("Enter");
  await page.waitForFunction(() => document.querySelector("#library-panel [data-open=true] .entry-name")?.textContent === "Checkout flow");
  await page.locator("#library-panel [data-open=true] [data-action=duplicate]").click();
  await page.waitForFunction(() => document.querySelectorAll("#library-panel [data-entry-id]").length === 3);
  assert.deepEqual((await entryNames(page)).sort(), ["Checkout flow", "Checkout flow copy", "liferay-reference"]);
  await screenshot(page, "library-panel");

  // Delete asks first; Keep keeps it.
  const copy = page.locator("#library-panel [data-entry-id]", { hasText: "Checkout flow copy" });
  await copy.locator("[data-action=delete]").click();
  await screenshot(page, "library-confirm-delete");
  await copy.locator("[data-action=cancel]").click();
  assert.equal(await entries(page).count(), 3);
  await copy.locator("[data-action=delete]").click();
  await copy.locator("[data-action=confirm-delete]").click();
  await page.waitForFunction(() => document.querySelectorAll("#library-panel [data-entry-id]").length === 2);

  // Deleting the open entry opens the most recent other one.
  await open.locator("[data-action=delete]").click();
  await open.locator("[data-action=confirm-delete]").click();
  await node(page, "db").waitFor({ timeout: 10_000 });
  await page.reload();
  await node(page, "db").waitFor({ timeout: 10_000 });
  assert.deepEqual(await entryNames(page), ["liferay-reference"]);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the old autosave slot is migrated into the library on first start", async () => {
  const { page, errors, context } = await openPage(served.browser, served.url);
  await settled(page);
  const old = JSON.parse(readFileSync(new URL("../../src/scenario/builtins/keycloak-multisite.json", import.meta.url)));
  old.name = "my old work";
  // An earlier version's profile: only the single slot.
  await page.evaluate((text) => {
    localStorage.clear();
    sessionStorage.clear();
    localStorage.setItem("failover-lab.autosave.v1", text);
  }, JSON.stringify(old));
  await page.reload();
  await settled(page);
  assert.match(await page.locator("#info").textContent(), /my old work/);
  const ids = old.components.map((c) => c.id).sort();
  assert.deepEqual(await nodeIds(page), ids);
  const keys = await storedKeys(page);
  assert.ok(!keys.includes("failover-lab.autosave.v1"), `the old slot is gone once moved: ${keys}`);
  assert.equal(keys.filter((k) => k.startsWith("failover-lab.library.v1.entry.")).length, 1);
  assert.deepEqual(await entryNames(page), ["my old work"]);
  // Migrated once: a reload does not add it again.
  await page.reload();
  await settled(page);
  assert.deepEqual(await entryNames(page), ["my old work"]);
  assert.deepEqual(errors, []);
  await context.close();
});

test("unreadable copies are kept, listed truthfully, exported raw, and go only when discarded", async () => {
  const { page, context } = await openPage(served.browser, served.url);
  await settled(page);
  await page.evaluate(() => {
    localStorage.clear();
    sessionStorage.clear();
    localStorage.setItem("failover-lab.autosave.v1", '{"version": 1, "name": "half');
    localStorage.setItem("failover-lab.library.v1.entry.zzz", "not json at all");
  });
  await page.reload();
  await settled(page);
  const banner = page.locator("#link-error");
  assert.match(await banner.textContent(), /2 saved scenarios could not be read.*kept, unchanged/);
  // Working on does not touch them.
  await add(page, "cache", "cache");
  await page.reload();
  await node(page, "cache").waitFor({ timeout: 10_000 });
  const raw = await page.evaluate(() => [localStorage.getItem("failover-lab.autosave.v1"), localStorage.getItem("failover-lab.library.v1.entry.zzz")]);
  assert.deepEqual(raw, ['{"version": 1, "name": "half', "not json at all"]);

  await openLibrary(page);
  const rows = page.locator("#library-panel [data-unreadable-key]");
  assert.equal(await rows.count(), 2);
  await screenshot(page, "library-unreadable");
  const legacy = page.locator('[data-unreadable-key="failover-lab.autosave.v1"]');
  const [download] = await Promise.all([page.waitForEvent("download"), legacy.locator("[data-action=export-raw]").click()]);
  assert.equal(await readFile(await download.path(), "utf8"), '{"version": 1, "name": "half');
  await legacy.locator("[data-action=discard]").click();
  await legacy.locator("[data-action=confirm-discard]").click();
  await page.waitForFunction(() => document.querySelectorAll("#library-panel [data-unreadable-key]").length === 1);
  const keys = await storedKeys(page);
  assert.ok(!keys.includes("failover-lab.autosave.v1") && keys.includes("failover-lab.library.v1.entry.zzz"), `${keys}`);
  await context.close();
});

test("storage that refuses writes is reported at start and never claimed as saved", async () => {
  const context = await served.browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => {
    Storage.prototype.setItem = function () {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
  });
  const { page } = await openPage(served.browser, served.url, { context });
  await settled(page);
  const banner = page.locator("#autosave-error");
  await banner.waitFor({ timeout: 5_000 });
  assert.match(await banner.textContent(), /full.*not saved/);
  assert.doesNotMatch(await page.locator("#status").textContent(), /autosaved/);
  await page.locator("#new-button").click();
  await page.locator("#library-message").waitFor({ timeout: 5_000 });
  assert.match(await page.locator("#library-message").textContent(), /No new scenario was started.*full/);
  assert.ok(await node(page, "db").isVisible(), "the open work is still shown");
  await context.close();
});

test("a failure that rounding would hide is shown: a few dozen failed requests among billions are not 100 %", async () => {
  const { page, errors, context } = await openPage(served.browser, served.url);
  await settled(page);
  // Flow level: ~600,000 requests a second for an hour, and one web node failing one request in
  // 10,000 for one second: a few dozen failures among about two billion requests.
  const scenario = {
    version: 1, name: "one in a hundred million", horizon: "1h", fidelity: "flow",
    traffic: { entry: ["lb"], sessions_per_s: 1000, session_duration: "10m", requests_per_session: 600, write_share: 0 },
    components: [
      { id: "lb", next: ["web"], pos: [80, 200], spec: { load_balancer: {} } },
      { id: "web", pos: [300, 200], spec: { web: { nodes: 2, capacity: { workers: 10000 } } } },
    ],
    faults: [{ error_rate: { at: "30m", target: "web", node: 0, rate: 0.0001, duration: "1s" } }],
  };
  const d0 = await page.locator("#digest").textContent();
  await page.locator("#import-file").setInputFiles({ name: "rare.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(scenario)) });
  await page.waitForFunction((d) => {
    const now = document.querySelector("#digest")?.textContent?.trim() ?? "";
    return /^[0-9a-f]{8,}$/.test(now) && now !== d && document.querySelector("#run-button") !== null;
  }, d0, { timeout: 90_000 });
  const card = page.locator("#card-request-availability");
  const text = await card.textContent();
  const [, ok_, offered_, failed_] = text.match(/(\d+) of (\d+) \((\d+) failed/) ?? [];
  assert.ok(ok_, `the card names the counts: ${text}`);
  const [ok, offered, failed] = [BigInt(ok_), BigInt(offered_), BigInt(failed_)];
  assert.equal(ok + failed, offered);
  assert.ok(failed >= 1n && failed * 10_000_000n < offered, `very few among very many: ${failed} of ${offered}`);
  const value = text.match(/(\d+)\.(\d+) %/);
  assert.ok(value, `a percentage with decimals: ${text}`);
  assert.doesNotMatch(text, /100(\.0+)? %/, "never 100 % when a request failed");
  // The digits shown are the truncated ratio: enough of them that the shortfall is visible.
  const decimals = value[2].length;
  const truncated = (ok * 10n ** BigInt(decimals + 2)) / offered;
  assert.equal(`${value[1]}${value[2]}`, truncated.toString(), text);
  assert.ok(truncated < 10n ** BigInt(decimals + 2), "below 100 %");
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, "honest-rare-failure");
  assert.deepEqual(errors, []);
  await context.close();
});

/** `n` characters of an incompressible (pseudo-random) mix, or of a repeated phrase. */
function filler(n, random) {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ";
  let x = 12345;
  let out = "";
  for (let i = 0; i < n; i++) {
    // xorshift32, in 32-bit integers (a float LCG would lose its low bits and repeat).
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out += alphabet[random ? x % 37 : i % 7];
  }
  return out;
}

/** liferay-reference with its description padded so that its JSON is `size` bytes. */
function bigScenario(size, random, name) {
  const s = JSON.parse(readFileSync(new URL("../../src/scenario/builtins/liferay-reference.json", import.meta.url)));
  s.name = name;
  s.description = "";
  s.description = filler(size - JSON.stringify(s).length, random);
  const text = JSON.stringify(s);
  assert.equal(text.length, size);
  return text;
}

test("what the app accepts it saves, exports and shares, or says at once why not (issue 13)", async () => {
  let { page, errors, context } = await openPage(served.browser, served.url);
  await settled(page);
  const importText = async (name, text) => {
    await page.locator("#import-file").setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(text) });
    await page.waitForFunction((n) => document.title.startsWith(n), name.replace(/\.json$/, ""), { timeout: 30_000 });
  };
  // 1.2 MB that compresses: its link opens (it did not before: links unpacked to 1 MiB at most).
  await importText("compressible.json", bigScenario(1_200_000, false, "compressible"));
  await settled(page);
  const d = await page.locator("#digest").textContent();
  await page.locator("#copy-link-button").click();
  await page.waitForFunction(() => location.hash.startsWith("#s=v1."));
  const url = page.url();
  const other = await openPage(served.browser, url);
  await settled(other.page);
  assert.equal(await other.page.locator("#digest").textContent(), d, "the link opens to the same run");
  assert.equal(await other.page.locator("#link-error").count(), 0);
  await other.context.close();
  await context.close();

  // A fresh profile, so that the quota of the browser's storage is not shared with the first.
  ({ page, errors, context } = await openPage(served.browser, served.url));
  await settled(page);
  // Just under 4 MiB that does not compress: accepted; Copy link says at once it cannot, naming Export.
  const limit = 4 * 1024 * 1024;
  await importText("incompressible.json", bigScenario(limit - 1024, true, "incompressible"));
  await page.locator("#copy-link-button").click();
  const banner = page.locator("#action-error");
  await banner.waitFor({ timeout: 10_000 }).catch(async (e) => {
    await screenshot(page, "big-link-debug");
    throw new Error(`${e.message}; hash ${new URL(page.url()).hash.length}; info ${await page.locator("#info").textContent().catch(() => "-")}`);
  });
  assert.match(await banner.textContent(), /No link was made: this scenario is too big for a share link: its link would be \d+ characters and links are at most 1048576; use Export to share it as a file/);
  assert.equal(new URL(page.url()).hash, "", "no link in the address bar");
  await screenshot(page, "big-link-refused");
  // Export gives a file that imports back.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export-button").click()]);
  const exported = await readFile(await download.path(), "utf8");
  assert.ok(exported.length <= limit, `the export is within the file limit: ${exported.length}`);
  const fresh = await openPage(served.browser, served.url);
  await settled(fresh.page);
  await fresh.page.locator("#import-file").setInputFiles({ name: "back.json", mimeType: "application/json", buffer: Buffer.from(exported) });
  await fresh.page.waitForFunction(() => document.title.startsWith("incompressible"), null, { timeout: 30_000 });
  assert.equal(await fresh.page.locator("#action-error").count(), 0);
  await fresh.context.close();
  // The autosave reads back: after a reload it is open again, and nothing is unreadable.
  await page.reload();
  await page.waitForFunction(() => document.title.startsWith("incompressible"), null, { timeout: 30_000 });
  assert.equal(await page.locator("#link-error").count(), 0, "no unreadable copy");
  const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("failover-lab.library.v1.entry.")).length);
  assert.equal(stored, 2, "the default and the incompressible scenario");
  assert.deepEqual(errors, []);
  await context.close();
});
