// The Study panel (issue 15): many replications in a pool of Web Workers, pushed into the study
// in index order, so the browser's report is the native CLI's, digest and all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, existsSync, mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { servedApp, settled, openPage, screenshot, SCREENSHOTS } from "./harness.mjs";

const served = servedApp();
const ROOT = new URL("../../", import.meta.url).pathname;

/** The CLI binary `cargo test` (debug) or a release build left behind. */
function cli() {
  for (const p of ["target/debug/failover-lab", "target/release/failover-lab"]) {
    if (existsSync(join(ROOT, p))) return join(ROOT, p);
  }
  throw new Error("no failover-lab binary: run `cargo build` first");
}

/** A built-in with service-level objectives added, as a file the CLI reads too. */
function scenarioWithSlo() {
  const s = JSON.parse(readFileSync(join(ROOT, "src/scenario/builtins/haproxy-single-lb.json"), "utf8"));
  s.slo = { availability: 0.99, max_lost_writes: 0, max_rto: "5m", probability: 0.8 };
  const file = join(mkdtempSync(join(tmpdir(), "study-e2e-")), "haproxy-slo.json");
  writeFileSync(file, JSON.stringify(s, null, 2));
  return { s, file };
}

async function openStudyTab(page) {
  await page.locator("#tab-study").click();
  await page.locator("#study-panel").waitFor({ state: "visible", timeout: 5_000 });
}

/** Records, from now on, the most replications the progress line ever showed. */
async function watchProgress(page) {
  await page.evaluate(() => {
    window.__studyDoneMax = 0;
    const look = () => {
      const p = document.querySelector("#study-progress");
      if (p) window.__studyDoneMax = Math.max(window.__studyDoneMax, Number(p.dataset.done));
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

test("a study of 20 replications: progress, cards with histograms, objectives, the CLI's report, a worst replication reopened", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const { s, file } = scenarioWithSlo();
  await page.locator("#import-file").setInputFiles({ name: "haproxy-slo.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(s)) });
  await settled(page);
  await openStudyTab(page);
  assert.equal(await page.locator("#study-targets").getAttribute("data-slo"), "some");
  assert.match(await page.locator("#study-targets").textContent(), /in ≥ 80 % of replications.*availability ≥ 99 %.*lost writes ≤ 0.*RTO ≤ 5m/s);
  await page.locator("#study-replications").fill("20");
  await watchProgress(page);
  await page.locator("#study-run").click();
  const results = page.locator("#study-results[data-replications='20']");
  await results.waitFor({ timeout: 120_000 });
  const seen = await page.evaluate(() => window.__studyDoneMax);
  assert.ok(seen >= 1 && seen <= 20, `progress showed ${seen} replications done`);
  // A card per registry metric that applies (latency too, at request level), each with its histogram.
  const cards = page.locator("[data-testid^=study-card-]");
  assert.ok((await cards.count()) >= 20, `${await cards.count()} cards`);
  const availability = page.locator("[data-testid=study-card-availability_request]");
  assert.match(await availability.locator(".card-value").textContent(), /%\s*±\s*[\d.]+\s*%/);
  for (const key of ["availability_request", "requests_failed", "latency_p99_ms"]) {
    const hist = page.locator(`[data-testid=study-card-${key}] svg.histogram`);
    const box = await hist.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 20, `${key}'s histogram drawn`);
    const bars = hist.locator("rect");
    assert.ok((await bars.count()) >= 1, `${key}'s histogram has bars`);
  }
  // The objectives, each with its Wilson interval and verdict; then the worst replications.
  const slo = page.locator("[data-testid=slo-row]");
  assert.equal(await slo.count(), 4, "three objectives and all at once");
  assert.match(await slo.first().textContent(), /of 20.*%.*–.*%.*met/);
  assert.equal(await page.locator("[data-testid=worst-row]").count(), 5);
  await results.scrollIntoViewIfNeeded();
  await screenshot(page, "study-finished");
  await page.locator("#study-panel").screenshot({ path: join(SCREENSHOTS, "study-finished-panel.png") });

  // Export JSON: the CLI's `study --json` for the same file and N, field for field.
  const [json] = await Promise.all([page.waitForEvent("download"), page.locator("#study-export-json").click()]);
  assert.match(json.suggestedFilename(), /-study\.json$/);
  const browserText = await readFile(await json.path(), "utf8");
  const browser = JSON.parse(browserText);
  const run = spawnSync(cli(), ["study", file, "--replications", "20", "--json"], { encoding: "utf8", timeout: 600_000 });
  assert.ok(run.status === 0 || run.status === 1, `the CLI ran: ${run.stderr}`);
  const native = JSON.parse(run.stdout);
  assert.equal(browser.digest, native.digest, "the browser's study digest is the CLI's");
  assert.equal(browser.replications, 20);
  // Byte for byte: the same floats (libm in the core), the same seeds (u64s beyond what a JS
  // number holds exactly, hence the text), the same share links.
  assert.equal(browserText, run.stdout, "the whole report is the CLI's");
  assert.equal(await page.locator("#study-digest").textContent(), native.digest);
  const seconds = Number(await results.getAttribute("data-seconds"));
  assert.ok(seconds > 0 && Number.isFinite(seconds), `data-seconds ${seconds}`);

  // Export CSV: a row per replication, a column per registry metric.
  const [csv] = await Promise.all([page.waitForEvent("download"), page.locator("#study-export-csv").click()]);
  const lines = (await readFile(await csv.path(), "utf8")).trim().split("\n");
  assert.equal(lines.length, 21);
  const head = lines[0].split(",");
  assert.deepEqual(head.slice(0, 4), ["k", "seed", "digest", "availability_request"]);
  assert.ok(head.includes("requests_failed") && head.includes("latency_p99_ms"));
  assert.deepEqual(lines.slice(1).map((l) => Number(l.split(",")[0])), [...Array(20).keys()]);

  // The worst replication opens as an ordinary run with its seed, which reproduces it: the run's
  // digest is the native run's of that seed, its failed requests the study's for it.
  const worst = page.locator("[data-testid=worst-row]").first();
  const seed = await worst.getAttribute("data-seed");
  const worstSeed = run.stdout.match(/"worst": \[\s*\{\s*"k": \d+,\s*"seed": (\d+)/)[1];
  assert.equal(seed, worstSeed);
  const one = spawnSync(cli(), ["run", file, "--seed", seed, "--json"], { encoding: "utf8", timeout: 600_000 });
  assert.equal(one.status, 0, one.stderr);
  const nativeRun = JSON.parse(one.stdout);
  assert.equal(nativeRun.requests.failed, native.worst[0].requests_failed);
  await worst.locator("[data-action=open-run]").click();
  await page.waitForFunction(
    (d) => document.querySelector("#digest")?.textContent?.trim() === d && document.querySelector("#run-button") !== null,
    nativeRun.digest,
    { timeout: 90_000 },
  );
  assert.match(await page.locator("#results .results-head").textContent(), new RegExp(`seed ${seed} `));
  assert.equal(await page.locator("#tab-run").getAttribute("aria-selected"), "true");
  // The study is still there on its tab.
  await openStudyTab(page);
  assert.equal(await page.locator("#study-results").getAttribute("data-digest"), native.digest);
  assert.deepEqual(errors, []);
});

test("a long study shows live estimates, leaves the page responsive, and Cancel keeps what ran", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await openStudyTab(page);
  await page.locator("#study-replications").fill("100000");
  await page.locator("#study-run").click();
  const progress = page.locator("#study-progress");
  await page.waitForFunction(() => Number(document.querySelector("#study-progress")?.dataset.done ?? 0) >= 3, null, { timeout: 60_000 });
  assert.equal(await progress.getAttribute("data-planned"), "100000");
  assert.match(await progress.textContent(), /of 100000 replications · [\d.]+\/s · \d+ workers/);
  // The benches' stable attributes (bench/study_chromium.mjs): the pool size, as the text says.
  const workers = (await progress.textContent()).match(/(\d+) workers/)[1];
  assert.equal(await progress.getAttribute("data-workers"), workers);
  assert.match(await page.locator("#study-estimates").textContent(), /Request availability\s+[\d.]+ %/);
  await screenshot(page, "study-running");
  await page.locator("#study-panel").screenshot({ path: join(SCREENSHOTS, "study-running-panel.png") });
  // A click handled by the main thread while the workers are busy.
  await page.locator("#help-button").click();
  await page.locator("#help-panel").waitFor({ timeout: 2_000 });
  await page.locator("#help-button").click();
  await page.locator("#study-cancel").click();
  await page.locator("#study-run").waitFor({ timeout: 5_000 }).catch(async (e) => {
    await screenshot(page, "study-cancel-failed");
    throw e;
  });
  assert.equal(await progress.count(), 0);
  assert.match(await page.locator("#study-error").textContent(), /cancelled after \d+ replications/);
  const kept = Number(await page.locator("#study-results").getAttribute("data-replications"));
  assert.ok(kept >= 3 && kept < 100000, `kept ${kept}`);
  assert.match(await page.locator("#study-results .results-head").textContent(), /cancelled after \d+ replications/);
  assert.deepEqual(errors, []);
});

test("bad input: the core's message, no hang; an unreachable CI target stops at the maximum", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await openStudyTab(page);
  const error = page.locator("#study-error");
  for (const [n, message] of [
    ["0", /1 to 1000000 replications, not 0/],
    ["2000000", /1 to 1000000 replications, not 2000000/],
    ["twenty", /`twenty` is not a whole number/],
  ]) {
    await page.locator("#study-replications").fill(n);
    await page.locator("#study-run").click();
    await page.waitForFunction(
      (re) => new RegExp(re).test(document.querySelector("#study-error")?.textContent ?? ""),
      message.source,
      { timeout: 5_000 },
    );
    assert.equal(await page.locator("#study-progress").count(), 0, "nothing runs");
  }
  // Until the CI half-width of the availability is 1e-12 (absolute): never, so the maximum.
  await page.locator("#study-mode-ci").check();
  await page.locator("#study-ci-metric").selectOption("availability_request");
  await page.locator("#study-ci-relative").selectOption("absolute");
  await page.locator("#study-ci-width").fill("-1");
  await page.locator("#study-run").click();
  await page.waitForFunction(() => /positive number/.test(document.querySelector("#study-error")?.textContent ?? ""));
  await page.locator("#study-ci-width").fill("1e-12");
  await page.locator("#study-max").fill("12");
  await page.locator("#study-fidelity").selectOption("flow");
  await page.locator("#study-run").click();
  const results = page.locator("#study-results[data-replications='12']");
  await results.waitFor({ timeout: 60_000 });
  assert.match(await page.locator("#study-results .results-head").textContent(), /flow level.*CI target not reached within the maximum of 12 replications/);
  assert.equal(await error.count(), 0, "the earlier message is gone");
  assert.deepEqual(errors, []);
});

test("workers that never load: the study is given up with a message, not left at 0", async () => {
  const context = await served.browser.newContext({ viewport: { width: 1400, height: 900 } });
  // A worker script that loads but never says it is ready.
  await context.route("**/worker_loader.js", (route) => route.fulfill({ contentType: "text/javascript", body: "onmessage = () => {};" }));
  const { page, errors } = await openPage(served.browser, served.url, { context });
  await openStudyTab(page);
  await page.locator("#study-replications").fill("5");
  await page.locator("#study-run").click();
  await page.locator("#study-progress").waitFor({ timeout: 5_000 });
  await page.waitForFunction(() => /did not start/.test(document.querySelector("#study-error")?.textContent ?? ""), null, { timeout: 30_000 });
  assert.equal(await page.locator("#study-progress").count(), 0);
  assert.ok(await page.locator("#study-run").isVisible(), "a new study can be started");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a worker that throws: the run and the study stop at once with its error, and the next ones get a fresh worker", async () => {
  const context = await served.browser.newContext({ viewport: { width: 1400, height: 900 } });
  // A worker that loads and says it is ready, then throws on every request (as a panic traps
  // the wasm); the first three are broken (the run's and the study pool's), later ones are real.
  let broken = 3; // the page's run worker, then the study's two
  await context.route("**/worker_loader.js", async (route) => {
    if (broken-- > 0) {
      await route.fulfill({
        contentType: "text/javascript",
        body: "postMessage(JSON.stringify('Ready')); onmessage = () => { throw new Error('boom in the engine'); };",
      });
    } else {
      await route.continue();
    }
  });
  const { page, errors } = await openPage(served.browser, served.url, { context });
  // the page's opening run went to the first broken worker: its message names the error
  await page.locator("#run-error").waitFor({ timeout: 20_000 });
  assert.match(await page.locator("#run-error").textContent(), /worker failed \(.*boom in the engine.*\)/);
  await openStudyTab(page);
  await page.locator("#study-replications").fill("5");
  await page.locator("#study-run").click();
  await page.waitForFunction(() => /worker failed/.test(document.querySelector("#study-error")?.textContent ?? ""), null, { timeout: 10_000 });
  assert.match(await page.locator("#study-error").textContent(), /The study stopped: .*boom in the engine/);
  assert.equal(await page.locator("#study-progress").count(), 0, "no study left running");
  // both pools start afresh with real workers: a study and a run finish
  await page.locator("#study-run").click();
  await page.locator("#study-results").waitFor({ timeout: 60_000 });
  await page.locator("#run-button").click();
  await page.waitForFunction(() => /^[0-9a-f]{8,}$/.test(document.querySelector("#digest")?.textContent?.trim() ?? ""), null, { timeout: 60_000 });
  assert.equal(await page.locator("#run-error").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

/** An M/M/20 station that starts empty, its series in one-second windows: MSER-5 cuts its transient. */
function mmcScenario() {
  const s = {
    version: 1, name: "mmc-warmup", seed: 5, horizon: "3m",
    traffic: { entry: ["web"], sessions_per_s: 18, requests_per_session: 1, write_share: 0, timeout: "1h" },
    metrics: { window: "1s" },
    components: [{ id: "web", spec: { web: { nodes: 1, capacity: { workers: 20, service_time: "1s", queue_limit: 100000 } } } }],
  };
  const file = join(mkdtempSync(join(tmpdir(), "study-e2e-")), "mmc-warmup.json");
  writeFileSync(file, JSON.stringify(s, null, 2));
  return { s, file };
}

test("warm-up auto: the pilot runs choose it (MSER-5), the results state it, and the study is the CLI's --warmup auto", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const { s, file } = mmcScenario();
  await page.locator("#import-file").setInputFiles({ name: "mmc-warmup.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(s)) });
  await settled(page);
  await openStudyTab(page);
  const field = page.locator("#study-warmup");
  assert.equal(await field.getAttribute("placeholder"), "none");
  assert.match(await page.locator("#study-warmup-hint").textContent(), /auto: MSER-5 on the first 10 replications run as pilots without one, as --warmup auto does/);
  // A value that is neither a duration nor auto: a message naming the field, nothing runs.
  await field.fill("soon");
  await page.locator("#study-run").click();
  await page.waitForFunction(() => /Warm-up: `soon` is not a duration/.test(document.querySelector("#study-error")?.textContent ?? ""), null, { timeout: 5_000 });
  assert.equal(await page.locator("#study-progress").count(), 0, "nothing runs");
  await field.fill("auto");
  await page.locator("#study-replications").fill("12");
  await page.locator("#study-panel").screenshot({ path: join(SCREENSHOTS, "study-warmup-field.png") });
  // Records what the progress line said while the pilots ran.
  await page.evaluate(() => {
    window.__pilotText = "";
    new MutationObserver(() => {
      const p = document.querySelector("#study-progress[data-phase=warmup]");
      if (p) window.__pilotText = p.textContent;
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await page.locator("#study-run").click();
  const results = page.locator("#study-results[data-replications='12']");
  await results.waitFor({ timeout: 120_000 });
  assert.match(await page.evaluate(() => window.__pilotText), /choosing the warm-up \(MSER-5 on 10 pilot runs\)…/);
  const used = page.locator("#study-warmup-used");
  assert.equal(await used.getAttribute("data-method"), "mser5");
  assert.match(await used.textContent(), /^\s*Warm-up: [\d.]+ s \(MSER-5 on 10 pilot runs\)\s*$/);
  assert.equal(await page.locator("#study-stale").count(), 0, "the study is of the scenario and form as they are");
  await results.scrollIntoViewIfNeeded();
  await page.locator("#study-panel").screenshot({ path: join(SCREENSHOTS, "study-warmup-finished.png") });

  const [json] = await Promise.all([page.waitForEvent("download"), page.locator("#study-export-json").click()]);
  const browserText = await readFile(await json.path(), "utf8");
  const browser = JSON.parse(browserText);
  assert.equal(browser.warmup_method, "mser5");
  assert.ok(browser.warmup_s > 0 && browser.warmup_s < 90, `warm-up ${browser.warmup_s} s`);
  assert.equal(Number(await used.getAttribute("data-warmup-s")), browser.warmup_s);
  const run = spawnSync(cli(), ["study", file, "--replications", "12", "--warmup", "auto", "--json"], { encoding: "utf8", timeout: 600_000 });
  assert.ok(run.status === 0 || run.status === 1, `the CLI ran: ${run.stderr}`);
  const native = JSON.parse(run.stdout);
  assert.equal(browser.warmup_s, native.warmup_s, "the same cut");
  assert.equal(browser.digest, native.digest, "the browser's study digest is the CLI's");
  assert.equal(browserText, run.stdout, "the whole report is the CLI's");

  // A fixed warm-up is stated as such, and the earlier study is then stale.
  await page.locator("#study-warmup").fill("30s");
  assert.equal(await page.locator("#study-stale").count(), 1);
  await page.locator("#study-run").click();
  await page.waitForFunction(() => document.querySelector("#study-warmup-used")?.dataset.method === "fixed", null, { timeout: 120_000 });
  assert.match(await page.locator("#study-warmup-used").textContent(), /Warm-up: 30\.0 s \(fixed\)/);
  assert.deepEqual(errors, []);
});

test("warm-up auto: the progress line says the pilot runs are choosing it, and Cancel works meanwhile", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await openStudyTab(page);
  await page.locator("#study-warmup").fill("auto");
  await page.locator("#study-run").click();
  const progress = page.locator("#study-progress[data-phase=warmup]");
  await progress.waitFor({ timeout: 5_000 });
  assert.match(await progress.textContent(), /choosing the warm-up \(MSER-5 on 10 pilot runs\)… \d+ of 10 run/);
  await page.locator("#study-panel").screenshot({ path: join(SCREENSHOTS, "study-warmup-choosing.png") });
  await page.locator("#study-cancel").click();
  await page.locator("#study-run").waitFor({ timeout: 5_000 });
  assert.equal(await page.locator("#study-progress").count(), 0);
  assert.match(await page.locator("#study-error").textContent(), /cancelled while its warm-up was being chosen/);
  assert.equal(await page.locator("#study-results").count(), 0);
  assert.deepEqual(errors, []);
});

test("warm-up auto on series too short to batch: the pool's pilot runs come back, the page says why no warm-up can be chosen", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  // one-minute windows over 3 minutes: three points, too few for MSER-5's batches
  const { s } = mmcScenario();
  s.metrics.window = "1m";
  await page.locator("#import-file").setInputFiles({ name: "short.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(s)) });
  await settled(page);
  await openStudyTab(page);
  await page.locator("#study-warmup").fill("auto");
  await page.locator("#study-replications").fill("12");
  await page.locator("#study-run").click();
  await page.waitForFunction(() => /could not be chosen \(auto\).*metrics\.window/.test(document.querySelector("#study-error")?.textContent ?? ""), null, { timeout: 60_000 });
  assert.equal(await page.locator("#study-progress").count(), 0);
  assert.equal(await page.locator("#study-results").count(), 0);
  // the pool is still good for the next study
  await page.locator("#study-warmup").fill("");
  await page.locator("#study-run").click();
  await page.locator("#study-results[data-replications='12']").waitFor({ timeout: 60_000 });
  assert.deepEqual(errors, []);
});

/** The built-in haproxy-single-lb with its load balancer's crash 2 min instead of 5 (design A),
 *  as a file the CLI reads too; and the built-in's own file (design B). */
function shortCrashVariant() {
  const builtin = join(ROOT, "src/scenario/builtins/haproxy-single-lb.json");
  const s = JSON.parse(readFileSync(builtin, "utf8"));
  s.name = "haproxy-short-lb-crash";
  s.faults[1].crash.duration = "2m";
  const file = join(mkdtempSync(join(tmpdir(), "study-e2e-")), "haproxy-short-lb-crash.json");
  writeFileSync(file, JSON.stringify(s, null, 2));
  return { s, file, builtin };
}

/** Records, from now on, every progress line shown (`data-design` and text). */
async function watchDesigns(page) {
  await page.evaluate(() => {
    window.__studyLines = [];
    const look = () => {
      const p = document.querySelector("#study-progress[data-phase=replications]");
      const line = p && `${p.dataset.design}|${p.querySelector(".progress span")?.textContent}`;
      if (line && window.__studyLines.at(-1) !== line) window.__studyLines.push(line);
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

test("compare with a built-in: a CI rule is refused, A then B run with the same seeds, the B − A table, and the export is the CLI's --compare --json", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const { s, file, builtin } = shortCrashVariant();
  await page.locator("#import-file").setInputFiles({ name: "haproxy-short-lb-crash.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(s)) });
  await settled(page);
  await openStudyTab(page);
  const select = page.locator("#study-compare");
  assert.equal(await select.inputValue(), "", "no comparison by default");
  // the saved designs (the default scenario's entry, not the open one) and every built-in
  assert.ok((await select.locator("optgroup[label='Saved designs'] option").count()) >= 1);
  assert.equal(await select.locator("optgroup[label='Built-in scenarios'] option").count(), 10);
  await select.selectOption("builtin:haproxy-single-lb");
  // a CI rule is refused, naming the field
  await page.locator("#study-mode-ci").check();
  await page.locator("#study-run").click();
  await page.waitForFunction(() => /Compare with: a comparison needs a fixed number of replications/.test(document.querySelector("#study-error")?.textContent ?? ""), null, { timeout: 5_000 });
  assert.equal(await page.locator("#study-progress").count(), 0);
  await page.locator("#study-replications").fill("20");
  assert.ok(await page.locator("#study-mode-fixed").isChecked());
  await watchDesigns(page);
  await page.locator("#study-run").click();
  const cmp = page.locator("#study-comparison[data-replications='20']");
  await cmp.waitFor({ timeout: 240_000 });
  const lines = await page.evaluate(() => window.__studyLines);
  assert.ok(lines.some((l) => /^A\|design A: \d+ of 20 replications/.test(l)), lines.join("\n"));
  assert.ok(lines.some((l) => /^B\|design B: \d+ of 20 replications/.test(l)), lines.join("\n"));
  assert.ok(lines.findIndex((l) => l.startsWith("B|")) > lines.findLastIndex((l) => l.startsWith("A|")), "A, then B");
  assert.equal(await cmp.getAttribute("data-b"), "haproxy-single-lb");
  assert.match(await page.locator("#study-results .results-head").textContent(), /^Design A: haproxy-short-lb-crash · seed 1 · request level/);
  assert.match(await page.locator("[data-testid=compare-row][data-metric=writes_lost]").textContent(), /the same in every replication/);
  // A's own cards are there, and the table: the LB down 5 min instead of 2 fails more requests
  assert.equal(await page.locator("#study-results").getAttribute("data-replications"), "20");
  assert.ok((await page.locator("[data-testid^=study-card-]").count()) >= 20);
  const failed = page.locator("[data-testid=compare-row][data-metric=requests_failed]");
  assert.equal(await failed.getAttribute("data-significant"), "higher");
  assert.match(await page.locator("#study-compare-verdict").textContent(), /B has more requests failed: \+[\d.]+ \[\+[\d.]+, \+[\d.]+\] \(95 % CI\)/);
  assert.match(await page.locator("[data-testid=compare-row][data-metric=availability_request]").textContent(), /Request availability.*%.*%.*-[\d.]+ pp \[-[\d.]+, -[\d.]+\]/);
  await cmp.scrollIntoViewIfNeeded();
  await page.locator("#study-panel").screenshot({ path: join(SCREENSHOTS, "study-compare-panel.png") });
  await cmp.screenshot({ path: join(SCREENSHOTS, "study-compare-table.png") });

  // Export: the CLI's `study A --compare B --replications 20 --json`, field for field.
  const [json] = await Promise.all([page.waitForEvent("download"), page.locator("#study-export-json").click()]);
  assert.match(json.suggestedFilename(), /-compare\.json$/);
  const browserText = await readFile(await json.path(), "utf8");
  const browser = JSON.parse(browserText);
  const run = spawnSync(cli(), ["study", file, "--compare", builtin, "--replications", "20", "--json"], { encoding: "utf8", timeout: 600_000 });
  assert.equal(run.status, 0, `the CLI ran: ${run.stderr}`);
  const native = JSON.parse(run.stdout);
  assert.deepEqual(Object.keys(browser), ["a", "b", "difference"]);
  assert.deepEqual(browser.difference, native.difference, "B − A is the CLI's");
  assert.ok(Object.keys(native.difference).length >= 10);
  assert.equal(browser.a.digest, native.a.digest);
  assert.equal(browser.b.digest, native.b.digest);
  assert.equal(browser.b.seed, browser.a.seed, "B ran with A's seed");
  assert.equal(browserText, run.stdout, "the whole object is the CLI's, byte for byte");
  assert.deepEqual(errors, []);
});

test("compare: Cancel while design B runs keeps design A's study and says the comparison was cancelled", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  await openStudyTab(page);
  await page.locator("#study-compare").selectOption("builtin:haproxy-single-lb");
  await page.locator("#study-replications").fill("40");
  await page.locator("#study-run").click();
  const b = page.locator("#study-progress[data-design=B]");
  await b.waitFor({ timeout: 240_000 });
  assert.match(await b.textContent(), /design B: \d+ of 40 replications/);
  await page.locator("#study-cancel").click();
  await page.locator("#study-run").waitFor({ timeout: 5_000 });
  assert.match(await page.locator("#study-error").textContent(), /comparison was cancelled while design B ran \(\d+ of 40 replications\): design A's results are below/);
  assert.equal(await page.locator("#study-results").getAttribute("data-replications"), "40");
  assert.equal(await page.locator("#study-comparison").count(), 0);
  assert.equal(await page.locator("#study-export-json").textContent(), "Study JSON");
  assert.deepEqual(errors, []);
});

test("compare with a saved design: the library's other entry runs as design B", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const defaultName = await page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith("failover-lab.library.v1.entry."));
    return JSON.parse(localStorage.getItem(key)).name;
  });
  const { s } = shortCrashVariant();
  await page.locator("#import-file").setInputFiles({ name: "haproxy-short-lb-crash.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(s)) });
  await settled(page);
  await openStudyTab(page);
  const saved = page.locator("#study-compare optgroup[label='Saved designs'] option");
  assert.equal(await saved.count(), 1, "the default scenario's entry, not the open one");
  assert.equal(await saved.textContent(), defaultName);
  await page.locator("#study-compare").selectOption(await saved.getAttribute("value"));
  await page.locator("#study-replications").fill("3");
  await page.locator("#study-fidelity").selectOption("flow");
  await page.locator("#study-run").click();
  const cmp = page.locator("#study-comparison[data-replications='3']");
  await cmp.waitFor({ timeout: 120_000 });
  assert.equal(await cmp.getAttribute("data-b"), defaultName);
  assert.match(await page.locator("#study-results .results-head").textContent(), /haproxy-short-lb-crash · seed 1 · flow level/);
  assert.deepEqual(errors, []);
});
