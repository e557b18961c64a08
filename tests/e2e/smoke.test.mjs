// The built app renders, shows no error banner and answers a click.
import { test } from "node:test";
import assert from "node:assert/strict";
import { servedApp, openPage, screenshot } from "./harness.mjs";

const served = servedApp();

test("the page renders the app and answers a click", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  // Either the app renders or the panic banner appears: fail fast with the banner's text.
  await page.waitForSelector("header .brand, #fatal:not([hidden])", { timeout: 30_000 });
  const fatal = page.locator("#fatal");
  assert.equal(await fatal.isVisible(), false, `error banner shown: ${await fatal.textContent()}`);
  assert.equal(await page.locator("header .brand").textContent(), "Failover Lab");

  const help = page.locator("#help-button");
  await help.click();
  await page.locator("#help-panel").waitFor({ timeout: 5_000 });
  assert.equal(await help.getAttribute("aria-expanded"), "true");
  await screenshot(page, "smoke");
  assert.deepEqual(errors, [], "no uncaught errors or console errors");
});
