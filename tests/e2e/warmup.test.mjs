// A run with a warm-up in the browser: the results header says every figure counts from it, the
// crash inside the warm-up leaves no incident, and the digest is the native CLI's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { servedApp, settled, openPage, screenshot } from "./harness.mjs";

const served = servedApp();

// One web node, 10 requests/s, crashed from 30 s to 90 s, horizon 10m, "warmup": "5m"; the link
// of its replication 0 as `failover-lab study FILE --replications 1 --json` lists it under `worst`
// (seed 12354772003812197154), and the digest of `failover-lab run FILE --seed` that seed.
const LINK =
  "#s=v1.dZDRboQgEEX_ZZ6pAV1jy680jaE6VpIidgZrWuO_78D6uk_kDvdeznAAggVdmUqDAgJr6qa9dV2tdfNqavPWmfamgMEeMMSwxgWXJOr9AD9KcsdPyfGKQ3ZkJccSRxSPOc_zQ8Hktu8rMpDjOTtckmyjWbLjRi75uMjABNE5DFYrSI6-MF1vlKY5kv9_OHWxupDpd0fhZVszB-L4bIVEbpp8wZQV6E-ASrP0Ev5syIn7FalnZC448iW5sajrSoY6T3fyCXueHWXUSp8KfpGumCpAwmOhDQJ-Bw";
const NATIVE_DIGEST = "8f84a4af53ad6c92";

test("a run with a warm-up says so and counts nothing before it", async () => {
  const { page, errors } = await openPage(served.browser, `${served.url}${LINK}`);
  await settled(page);
  const head = await page.locator(".results-head").first().textContent();
  assert.match(head, /counted after a warm-up of 5m/, head);
  assert.equal((await page.locator("#digest").textContent()).trim(), NATIVE_DIGEST);
  assert.equal(await page.locator("[data-testid=incident-row]").count(), 0, "the crash was inside the warm-up");
  await page.locator("#results").scrollIntoViewIfNeeded();
  await screenshot(page, "warmup-results");
  assert.deepEqual(errors, []);
});
