// Static hosting: the page talks to nobody but its own origin (Content-Security-Policy), and
// dist/ works from any folder of a host, not only from its root.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serveDist, launch, openPage, settled, screenshot } from "./harness.mjs";

/** Opens the app at `url` (which runs the default scenario in the worker) and returns what the page requested. */
async function runRecorded(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const requests = [];
  // The context sees the page's requests and its worker's (the worker fetches its own wasm).
  context.on("request", (r) => requests.push(r.url()));
  const { page, errors } = await openPage(browser, url, { context });
  await page.waitForSelector("header .brand, #fatal:not([hidden])", { timeout: 30_000 });
  const fatal = page.locator("#fatal");
  assert.equal(await fatal.isVisible(), false, `error banner shown: ${await fatal.textContent()}`);
  await settled(page);
  return { page, errors, requests, context };
}

test("the page requests nothing from any other origin, under its own CSP", async () => {
  const server = await serveDist();
  const browser = await launch();
  try {
    const { page, errors, requests, context } = await runRecorded(browser, server.url);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/, csp);
    assert.match(csp, /object-src 'none'/);
    assert.match(csp, /connect-src 'self'/);
    assert.doesNotMatch(csp, /inline-script-hashes/, "the build hook filled in the hashes");
    const origin = new URL(server.url).origin;
    assert.ok(requests.some((u) => u.endsWith(".wasm")), `the wasm was fetched: ${requests.join(", ")}`);
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith("blob:") && !u.startsWith("data:"));
    assert.deepEqual(foreign, [], "every request goes to the page's own origin");
    // A blocked script, worker or fetch is reported on the console as a CSP violation.
    assert.deepEqual(errors, [], "no CSP violation and no error");
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

test("dist/ works from a sub-folder of the host", async () => {
  const server = await serveDist({ prefix: "/tools/failover-lab/" });
  const browser = await launch();
  try {
    const { page, errors, requests, context } = await runRecorded(browser, server.url);
    const outside = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("blob:"));
    assert.deepEqual(outside, [], "every asset loads from under the sub-folder");
    assert.match(await page.locator("#digest").textContent(), /^[0-9a-f]{8,}$/);
    await screenshot(page, "sub-folder");
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

test("a WebAssembly trap (out of memory, abort) shows the error banner, not a blank page", async () => {
  const server = await serveDist();
  const browser = await launch();
  try {
    const { page } = await openPage(browser, server.url);
    await settled(page);
    // What the browser raises when wasm traps inside an event handler or at start-up.
    await page.evaluate(() => {
      const trap = new WebAssembly.RuntimeError("unreachable");
      dispatchEvent(new ErrorEvent("error", { error: trap, message: trap.message }));
    });
    const fatal = page.locator("#fatal");
    await fatal.waitFor({ state: "visible", timeout: 5_000 });
    assert.match(await fatal.textContent(), /stopped: unreachable .*autosaved work is kept/);
    // An ordinary script error elsewhere is not a crash of the app.
    const reloaded = await openPage(browser, server.url);
    await settled(reloaded.page);
    await reloaded.page.evaluate(() => dispatchEvent(new ErrorEvent("error", { error: new TypeError("x") })));
    assert.equal(await reloaded.page.locator("#fatal").isVisible(), false);
    await screenshot(page, "trap-banner");
  } finally {
    await browser.close();
    await server.close();
  }
});
