// A worker that stops answering (stuck in a chunk, or never loaded) is terminated and replaced:
// the next Run works without a reload.
import { test } from "node:test";
import assert from "node:assert/strict";
import { servedApp, openPage, settled, screenshot } from "./harness.mjs";

const served = servedApp();

// A worker that says it is ready, then spins forever on the first request: it can never read
// a Cancel, as a worker stuck in a chunk that never returns could not.
const STUCK = `postMessage(JSON.stringify("Ready")); onmessage = () => { for (;;) {} };`;

test("a worker deaf to Cancel is terminated, and the next Run starts a fresh one", async () => {
  const context = await served.browser.newContext({ viewport: { width: 1400, height: 900 } });
  let stuck = true;
  await context.route("**/worker_loader.js", (route) =>
    stuck ? route.fulfill({ contentType: "text/javascript", body: STUCK }) : route.continue());
  const { page, errors } = await openPage(served.browser, served.url, { context });
  // The start-up run went to the stuck worker.
  await page.locator("#cancel-button").waitFor({ timeout: 30_000 });
  stuck = false;
  await page.locator("#cancel-button").click();
  const message = page.locator("#run-error");
  await message.waitFor({ timeout: 10_000 });
  assert.match(await message.textContent(), /did not stop in time.*restarted/);
  await screenshot(page, "worker-restarted");
  // The old worker was terminated: a new one (the real worker.js this time) runs to the end.
  await page.locator("#run-button").click();
  await settled(page);
  assert.match(await page.locator("#digest").textContent(), /^[0-9a-f]{8,}$/);
  assert.deepEqual(errors, []);
  await context.close();
});
