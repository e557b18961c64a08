// Issue 15's browser figure: a study of bench/flow-year.json (flow level, N replications, fixed
// N rule) run by the app itself in headless Chromium, on the Study panel's pool of Web Workers.
// Serves the release dist/ (TRUNK_OFFLINE=true trunk build --release) on 127.0.0.1 with the e2e
// harness, imports the scenario as a file, runs a small warm-up study (so the pool's workers are
// spawned and their wasm loaded, as for any study after the first), then the measured one.
//
//   node bench/study_chromium.mjs [--replications 10000] [--warmup 16] [--timeout-s 900]
//        [--native-digest HEX]      # the CLI's `study --json` digest: must be equal
//
// Prints `STUDY_CHROMIUM {json}` and a human line; exits 1 on a digest mismatch or a failure.
// Wall time only (the browser has no CPU clock); a bench figure, never a test assertion.
import { readFileSync } from "node:fs";
import { serveDist, launch, openPage, settled } from "../tests/e2e/harness.mjs";

const ROOT = new URL("../", import.meta.url).pathname;
const opts = { replications: 10000, warmup: 16, "timeout-s": 900, "native-digest": null, scenario: `${ROOT}bench/flow-year.json` };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, "");
  if (!(key in opts) || process.argv[i + 1] === undefined) {
    console.error(`usage: node bench/study_chromium.mjs [--replications N] [--warmup N] [--timeout-s S] [--native-digest HEX] [--scenario FILE]`);
    process.exit(2);
  }
  opts[key] = process.argv[i + 1];
}
const N = Number(opts.replications);
const WARMUP = Number(opts.warmup);

/** Runs one study of `n` replications at flow level; resolves to what the panel and the page saw. */
async function study(page, n, timeoutMs) {
  await page.locator("#study-mode-fixed").check();
  await page.locator("#study-replications").fill(String(n));
  await page.locator("#study-fidelity").selectOption("flow");
  // Timed in the page: from the click's dispatch to the results' appearance (MutationObserver),
  // and the most workers the progress line showed.
  await page.evaluate((n) => {
    window.__bench = { n, workers: 0, t0: null, t1: null };
    const look = () => {
      const p = document.querySelector("#study-progress");
      if (p) window.__bench.workers = Math.max(window.__bench.workers, Number(p.dataset.workers ?? 0));
      const r = document.querySelector(`#study-results[data-replications='${n}']`);
      if (r && window.__bench.t0 !== null && window.__bench.t1 === null && !document.querySelector("#study-progress")) {
        window.__bench.t1 = performance.now();
      }
    };
    window.__benchObserver?.disconnect();
    window.__benchObserver = new MutationObserver(look);
    window.__benchObserver.observe(document.body, { subtree: true, childList: true, attributes: true });
    document.querySelector("#study-run").addEventListener("click", () => { window.__bench.t0 = performance.now(); }, { once: true, capture: true });
  }, n);
  await page.locator("#study-run").click();
  await page.waitForFunction(
    () => window.__bench.t1 !== null || document.querySelector("#study-error") !== null,
    null,
    { timeout: timeoutMs, polling: 500 },
  );
  const error = await page.locator("#study-error").textContent().catch(() => null);
  if (error) throw new Error(`the study stopped: ${error}`);
  const results = page.locator(`#study-results[data-replications='${n}']`);
  const b = await page.evaluate(() => window.__bench);
  return {
    replications: n,
    panel_seconds: Number(await results.getAttribute("data-seconds")),
    page_seconds: (b.t1 - b.t0) / 1000,
    workers: b.workers,
    digest: (await page.locator("#study-digest").textContent()).trim(),
    head: (await results.locator(".results-head > span").first().textContent()).trim(),
  };
}

const server = await serveDist();
const browser = await launch();
let code = 0;
try {
  const { page, errors } = await openPage(browser, server.url);
  await settled(page);
  const text = readFileSync(opts.scenario);
  await page.locator("#import-file").setInputFiles({ name: "flow-year.json", mimeType: "application/json", buffer: text });
  await settled(page);
  await page.locator("#tab-study").click();
  await page.locator("#study-panel").waitFor({ state: "visible", timeout: 10_000 });
  const hardware = await page.evaluate(() => navigator.hardwareConcurrency);
  const version = browser.version();
  if (WARMUP > 0) await study(page, WARMUP, 120_000);
  const r = await study(page, N, Number(opts["timeout-s"]) * 1000);
  const native = opts["native-digest"];
  const out = {
    scenario: "bench/flow-year.json",
    fidelity: "flow",
    replications: r.replications,
    wall_s: r.panel_seconds,
    page_s: r.page_seconds,
    per_s: r.replications / r.panel_seconds,
    workers: r.workers,
    hardware_concurrency: hardware,
    chromium: version,
    warmup: WARMUP,
    digest: r.digest,
    native_digest: native,
    digest_equal: native ? r.digest === native : null,
    page_errors: errors,
  };
  console.log(`STUDY_CHROMIUM ${JSON.stringify(out)}`);
  console.log(
    `Chromium ${version}: ${N} replications in ${r.panel_seconds.toFixed(2)} s (${out.per_s.toFixed(0)}/s, ` +
      `${r.workers} workers, hardwareConcurrency ${hardware}); click to results ${r.page_seconds.toFixed(2)} s; ` +
      `digest ${r.digest}` + (native ? (out.digest_equal ? " = native" : ` ≠ native ${native}`) : " (no native digest given)"),
  );
  if (native && !out.digest_equal) code = 1;
  if (errors.length) {
    console.error(`page errors: ${errors.join("; ")}`);
    code = 1;
  }
} catch (e) {
  console.error(`study in Chromium FAILED: ${e.message}`);
  code = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(code);
