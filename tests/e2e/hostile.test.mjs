// Issue 13: hostile links and files leave the page usable. Each shape of input the hostile-input
// run found (a huge unknown-field link, the cycle-heavy link, flow level with a DNS TTL of 0, a
// chain longer than 64 hops, duplicate keys, garbage, an over-limit link, a decompression bomb)
// is generated here, opened over existing work, and after it: a clear message is shown, the
// user's work is still there, and the page still answers (a component is added, Run works).
// Also: a link is opened only after the page shell has been painted ("Opening the link…").
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { servedApp, settled, openPage, screenshot } from "./harness.mjs";

const served = servedApp();

const builtin = (name) =>
  JSON.parse(readFileSync(new URL(`../../src/scenario/builtins/${name}.json`, import.meta.url)));

/** A link text (what follows `#s=`) holding `text` as its JSON. */
const pack = (text) => `v1.${deflateRawSync(Buffer.from(text), { level: 9 }).toString("base64url")}`;
/** A link text for a scenario, as the page would make it. */
const linkOf = (scenario, engine) => pack(JSON.stringify({ e: engine, r: scenario.seed ?? 1, s: scenario }));

/** A chain of `n` web components c0 → c1 → … with traffic entering at c0. */
function chain(n) {
  const components = Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    ...(i + 1 < n ? { next: [`c${i + 1}`] } : {}),
    pos: [40 + (i % 40) * 60, 40 + Math.floor(i / 40) * 60],
    spec: { web: { nodes: 1 } },
  }));
  return { version: 1, name: `chain of ${n}`, horizon: "10m", traffic: { entry: ["c0"] }, components };
}

/** The shapes of the hostile-input run, as scenario texts (a link packs them, a file holds them). */
function shapes() {
  const base = builtin("liferay-reference");
  // 44,000 unknown fields in 256 KiB (quadratic before: seconds to minutes, the page frozen).
  const unknown = { ...base, name: "unknown fields" };
  for (let i = 0; i < 44_000; i++) unknown[`u${i}`] = 1;
  // A 1,000-component chain whose last component lists the first 130,000 times (~6 GB before).
  const cycle = chain(1000);
  cycle.name = "cycle-heavy";
  cycle.components[999].next = Array(130_000).fill("c0");
  // Flow level with a DNS TTL of 0 (a tick every TTL/16 over a growing list before: never ended).
  const ttl0 = builtin("dns-vs-bgp");
  ttl0.name = "flow, TTL 0";
  ttl0.fidelity = "flow";
  ttl0.routing.dns.ttl = "0s";
  ttl0.horizon = "1d";
  const hops = chain(70);
  hops.name = "70 hops";
  const dup = JSON.stringify({ ...base, name: "duplicate keys" }).replace('"horizon":"1h"', '"horizon":"bogus","horizon":"10m"');
  assert.ok(dup.includes('"horizon":"bogus","horizon":"10m"'));
  return {
    unknown: JSON.stringify(unknown),
    cycle: JSON.stringify(cycle),
    ttl0: JSON.stringify(ttl0),
    hops: JSON.stringify(hops),
    dup,
  };
}

const SHAPES = shapes();

/** Adds a crash of `node` at `at` through the node's context menu (a runnable edit). */
async function failAt(page, node, at) {
  await page.locator(`[data-node-id=${node}]`).first().click({ button: "right" });
  await page.locator("#fail-at-input").fill(at);
  await page.locator("#fail-at-submit").click();
  await page.locator("#fail-at-menu").waitFor({ state: "detached" });
}

/** The marker of the user's own edit. */
const myWork = (page) => page.locator('[data-testid^=fault-marker-][title*="db#0 at 45m"]');

/**
 * Opens the app in a fresh profile and makes some work: the default scenario plus a crash of the
 * database at 45m (autosaved). Returns the page, its context and the engine version it reports.
 */
async function withWork() {
  const { page, errors, context } = await openPage(served.browser, served.url);
  await settled(page);
  await failAt(page, "db", "45m");
  await myWork(page).waitFor();
  const engine = (await page.locator("#engine-version").textContent()).trim();
  return { page, errors, context, engine };
}

/** Records, from the first byte of the page, whether "Opening the link…" was shown before the editor. */
async function recordOpening(context) {
  await context.addInitScript(() => {
    window.__shown = [];
    new MutationObserver(() => {
      const seen = window.__shown;
      if (document.querySelector("#opening-link") && !seen.includes("opening")) seen.push("opening");
      if (document.querySelector("#topology-canvas") && !seen.includes("editor")) seen.push("editor");
    }).observe(document, { childList: true, subtree: true });
  });
}

/** The user's work is there: shown, or listed in the Library and shown once opened. */
async function workIsKept(page) {
  if (await myWork(page).count()) return;
  if ((await page.locator("#library-panel").count()) === 0) await page.locator("#library-button").click();
  const mine = page.locator("#library-panel [data-entry-id]", { hasText: "liferay-reference" });
  await mine.locator("[data-action=open]").click();
  await myWork(page).waitFor({ timeout: 15_000 });
}

/** The page still answers: a component is added (and undone), and an edited scenario runs to its end. */
async function pageAnswers(page) {
  await settled(page);
  const before = await page.locator("#digest").textContent();
  await page.locator("#palette-cache").click();
  await page.locator("[data-node-id=cache]").waitFor({ timeout: 10_000 });
  await page.locator("#undo-button").click();
  await page.locator("[data-node-id=cache]").waitFor({ state: "detached", timeout: 10_000 });
  await failAt(page, "web", "50m");
  await page.locator("#run-button").click();
  await page.waitForFunction(
    (d) => {
      const now = document.querySelector("#digest")?.textContent?.trim() ?? "";
      return /^[0-9a-f]{8,}$/.test(now) && now !== d && document.querySelector("#run-button") !== null;
    },
    before,
    { timeout: 60_000 },
  );
}

/** A run still going after a while is cancelled (it is in the worker: Cancel must work). */
async function cancelIfRunning(page) {
  await page.waitForTimeout(1_000);
  if (await page.locator("#cancel-button").count()) {
    await page.locator("#cancel-button").click();
    await page.locator("#run-button").waitFor({ timeout: 15_000 });
  }
}

const LINKS = [
  { name: "unknown-fields", link: (e) => pack(JSON.stringify({ e, r: 1, s: JSON.parse(SHAPES.unknown) })), banner: /could not be opened: .*and 43900 more unknown fields; (u\d+: unknown field; ){4}96 more not shown here\. Your last work is shown instead/ },
  { name: "duplicate-keys", link: (e) => pack(`{"e":"${e}","r":1,"s":${SHAPES.dup}}`), banner: /could not be opened: .*horizon: duplicate key/ },
  { name: "garbage-base64", link: () => "v1.%%%not*base64!!", banner: /could not be opened: the link is damaged: character \d+ .* is not allowed/ },
  { name: "garbage-deflate", link: () => `v1.${Buffer.from("not deflate at all, just bytes").toString("base64url")}`, banner: /could not be opened: the link is (damaged|truncated)/ },
  { name: "over-limit", link: () => `v1.${"A".repeat(1024 * 1024 + 16)}`, banner: /could not be opened: the link is 10485\d\d characters long; links are at most 1048576/ },
  { name: "bomb", link: () => pack(" ".repeat(5 * 1024 * 1024)), banner: /could not be opened: the link unpacks to more than 4096 KiB/ },
];

for (const shape of LINKS) {
  test(`a hostile link (${shape.name}) is refused with a message; the work stays and the page answers`, async () => {
    const { page, errors, context, engine } = await withWork();
    await recordOpening(context);
    const other = await context.newPage();
    other.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    const link = shape.link(engine);
    await other.goto(`${served.url}#s=${link}`);
    const banner = other.locator("#link-error");
    await banner.waitFor({ timeout: 30_000 });
    assert.match(await banner.textContent(), shape.banner);
    assert.deepEqual(await other.evaluate(() => window.__shown), ["opening", "editor"], "the shell first, then the editor");
    await settled(other);
    await screenshot(other, `hostile-link-${shape.name}`);
    await workIsKept(other);
    await pageAnswers(other);
    assert.equal(await other.locator("#fatal").isVisible(), false);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

const OPENED = [
  { name: "cycle-heavy", text: () => SHAPES.cycle, problem: /`c0` is listed 130000 times/ },
  { name: "over-64-hops", text: () => SHAPES.hops, problem: /would visit more than 64 components/ },
  { name: "flow-dns-ttl-0", text: () => SHAPES.ttl0, problem: null },
];

for (const shape of OPENED) {
  test(`a link that opens but cannot or need not finish (${shape.name}) leaves the page usable`, async () => {
    const { page, errors, context, engine } = await withWork();
    await recordOpening(context);
    const other = await context.newPage();
    other.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    const t0 = Date.now();
    await other.goto(`${served.url}#s=${linkOf(JSON.parse(shape.text()), engine)}`);
    await other.locator("#info").waitFor({ timeout: 30_000 });
    assert.match(await other.locator("#info").textContent(), /open as a new entry.*your own work is kept/);
    assert.deepEqual(await other.evaluate(() => window.__shown), ["opening", "editor"]);
    if (shape.problem) {
      await other.locator("#problems").waitFor({ timeout: 10_000 });
      assert.match(await other.locator("#problems").textContent(), shape.problem);
      // The start-up run is refused with the reason, not attempted.
      await other.locator("#run-error").waitFor({ timeout: 10_000 });
      assert.match(await other.locator("#run-error").textContent(), /Cannot run: the scenario has \d+ error/);
    } else {
      await cancelIfRunning(other);
    }
    console.log(`${shape.name}: opened in ${Date.now() - t0} ms`);
    await screenshot(other, `hostile-link-${shape.name}`);
    await workIsKept(other);
    await pageAnswers(other);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("hostile files are refused with their location (or opened as a new entry); the work stays and the page answers", async () => {
  const { page, errors, context } = await withWork();
  const importText = (name, text) =>
    page.locator("#import-file").setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(text) });
  const refused = [
    ["unknown.json", SHAPES.unknown, /`unknown.json` is not a Failover Lab scenario: .*u\d+: unknown field.*Your work is unchanged/],
    ["dup.json", SHAPES.dup, /`dup.json` is not a Failover Lab scenario: .*horizon: duplicate key/],
    ["garbage.json", "\u0000\u00ff{{{ not json", /`garbage.json` is not a Failover Lab scenario: .*line 1 column \d+: not valid JSON/],
    ["huge.json", `{"version":1,"name":"${"x".repeat(4 * 1024 * 1024)}"}`, /`huge.json` is not a Failover Lab scenario: .*\(root\): scenario is 41943\d\d bytes; the limit is 4194304 bytes/],
  ];
  for (const [name, text, message] of refused) {
    await importText(name, text);
    await page.waitForFunction((n) => (document.querySelector("#action-error")?.textContent ?? "").includes(`\`${n}\``), name, { timeout: 30_000 });
    assert.match(await page.locator("#action-error").textContent(), message, name);
    assert.equal(await myWork(page).count(), 1, `${name}: the work is still open`);
  }
  await screenshot(page, "hostile-file-refused");
  // These open as new entries: with their problems listed, or running in the worker.
  for (const [name, text, problem] of [
    ["cycle.json", SHAPES.cycle, /`c0` is listed 130000 times/],
    ["hops.json", SHAPES.hops, /would visit more than 64 components/],
    ["ttl0.json", SHAPES.ttl0, null],
  ]) {
    await importText(name, text);
    await page.waitForFunction((n) => /Imported/.test(document.querySelector("#info")?.textContent ?? "") &&
      document.title.startsWith(n), JSON.parse(text).name, { timeout: 30_000 });
    if (problem) assert.match(await page.locator("#problems").textContent(), problem, name);
    else await cancelIfRunning(page);
    if (name === "cycle.json") await screenshot(page, "hostile-file-cycle");
    await workIsKept(page);
  }
  await pageAnswers(page);
  assert.deepEqual(errors, []);
  await context.close();
});
