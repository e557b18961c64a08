// End-to-end tests of the lesson player (issue 17): a learner in a fresh browser opens the course
// overview, starts a lesson (a new library entry beside their work), reveals a hint, makes the
// step's change by hand, runs, sees the goal hold and the explanation, answers the quiz (wrong,
// then right), diagnoses the hidden fault, and finds the progress after a reload; a
// `#lesson=NAME` link opens a lesson in a fresh context, an unknown name says so, and corrupt
// stored progress is reset with a message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { servedApp, settled, openPage, screenshot } from "./harness.mjs";

const served = servedApp();
const PROGRESS_KEY = "failover-lab.lessons.v1";

const entryKeys = (page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("failover-lab.library.v1.entry.")));
const text = async (page, sel) => (await page.locator(sel).textContent()).trim();
const goal = (page, i, holds) => page.locator(`#lesson-goal [data-goal="${i}"][data-holds=${holds}]`);

/** Answers blank `b` of question `q` with `answer` (typed, as a learner would). */
async function typeBlank(page, q, b, answer) {
  const input = page.locator(`#quiz-${q}-${b}`);
  await input.fill("");
  await input.pressSequentially(answer);
}

test("a learner plays a lesson from the overview to the quiz and finds it after a reload", async () => {
  const { page, errors } = await openPage(served.browser, served.url);
  await settled(page);
  const before = await entryKeys(page);

  await page.locator("#lessons-button").click();
  await page.locator("#lessons-overview").waitFor();
  assert.equal(await page.locator("#lessons-overview [data-lesson]").count(), 14);
  assert.equal(await page.locator('#lessons-overview [data-status="not started"]').count(), 14);
  assert.match(await text(page, "[data-lesson=n-plus-k]"), /seed/);
  await screenshot(page, "lessons-overview");

  await page.locator("[data-lesson=n-plus-k] [data-action=start]").click();
  await page.locator("#lesson-panel").waitFor();
  await settled(page);
  assert.match(await text(page, "#lesson-title"), /N \+ k|N\+k|n-plus-k|spare/i);
  assert.match(await text(page, "#info"), /opened as a new scenario/);
  const after = await entryKeys(page);
  assert.equal(after.length, before.length + 1, "the lesson is a new entry; the learner's work stays");
  assert.ok(before.every((k) => after.includes(k)));
  assert.equal(await text(page, "#lesson-step"), "Step 1 of 1");
  // The run at opening measures the start: the goal does not hold yet.
  await goal(page, 0, "false").waitFor({ timeout: 90_000 });
  assert.match(await text(page, "#lesson-goal [data-goal='0']"), /Request availability ≥ 99 %.*measured/);

  await page.locator("#lesson-hint").click();
  assert.equal(await page.locator("#lesson-hints li").count(), 1);
  assert.match(await text(page, "#lesson-hints"), /N = 2/);
  assert.match(await text(page, "#lesson-hint"), /1 left/);
  await screenshot(page, "lesson-step-hint");

  // The change by hand: select the web tier, type three nodes, run.
  await page.locator("[data-node-id=web]").click();
  const nodes = page.locator("#f-components-1--spec-web-nodes");
  await nodes.fill("3");
  await nodes.press("Enter");
  await page.waitForFunction(() => document.querySelector("[data-node-id=web] .node-params")?.textContent.startsWith("3 nodes"));
  assert.equal(await page.locator("#lesson-goal [data-holds=unmeasured]").count(), 1, "an edit makes the run stale");
  await page.locator("#run-button").click();
  await goal(page, 0, "true").waitFor({ timeout: 90_000 });
  const explanation = await text(page, "#lesson-explanation");
  assert.match(explanation, /Goal met: .*seed 00\d/);
  assert.match(explanation, /three nodes/);
  await screenshot(page, "lesson-success");

  await page.locator("#lesson-next").click();
  await page.locator("#lesson-quiz").waitFor();
  // A wrong answer first, then the right one.
  await typeBlank(page, 1, 0, "two");
  await page.locator("#quiz-check-1").click();
  await page.locator("[data-question='1'] [data-verdict=wrong]").waitFor();
  assert.match(await text(page, "[data-question='1'] [data-verdict]"), /Not quite: the answer is “k”.*redundancy/);
  await typeBlank(page, 1, 0, "K");
  await page.locator("#quiz-check-1").click();
  await page.locator("[data-question='1'] [data-verdict=right]").waitFor();
  await typeBlank(page, 0, 0, "Clustering");
  await typeBlank(page, 0, 1, "several servers");
  await page.locator("#quiz-check-0").click();
  await page.locator("[data-question='0'] [data-verdict=right]").waitFor();
  assert.equal(await text(page, "#quiz-score"), "Score: 2 of 2 right");
  await screenshot(page, "lesson-quiz");

  // What broke? The run has a hidden fault; the incidents hide their trigger, component and recovery.
  await page.locator("#broke-start").click();
  await page.locator("#broke-component").waitFor();
  await page.waitForFunction(() => document.querySelectorAll("#incident-table [data-testid=incident-row]").length > 0, null, { timeout: 90_000 });
  assert.equal(await page.locator("#incident-table thead th").nth(1).isVisible(), false, "trigger column hidden");
  assert.equal(await page.locator("#incident-table thead th").nth(2).isVisible(), false, "component column hidden");
  assert.equal(await page.locator("#incident-table thead th").nth(9).isVisible(), false, "recovery column (it names the node) hidden");
  await screenshot(page, "lesson-what-broke");
  await page.locator("#incident-table").scrollIntoViewIfNeeded();
  const shown = await page.locator("#incident-table").innerText();
  assert.doesNotMatch(shown, /crash|app#|hidden/, "the table shows neither the fault nor the masked cells");
  assert.equal(await page.locator("[data-testid=chart-marker][title*=crash]").count(), 0, "chart markers do not name it");
  await screenshot(page, "lesson-what-broke-incidents");
  await page.locator("#broke-component").selectOption("app");
  await page.locator("#broke-kind").selectOption("crash");
  await page.locator("#broke-submit").click();
  assert.match(await text(page, "#broke-score"), /^2 of 2 points: it was crash on `app`/);
  assert.equal(await page.locator("#incident-table thead th").nth(1).isVisible(), true, "answered: columns back");

  // A reload keeps the lesson and its progress.
  await page.reload();
  await settled(page);
  await page.locator("#lesson-quiz").waitFor();
  assert.equal(await text(page, "#quiz-score"), "Score: 2 of 2 right");
  assert.match(await text(page, "#broke-score"), /2 of 2 points/);
  await page.locator("#lesson-overview").click();
  const row = page.locator("[data-lesson=n-plus-k]");
  assert.equal(await row.getAttribute("data-status"), "done");
  assert.match(await row.textContent(), /quiz: 2 of 2 right/);
  assert.match(await row.textContent(), /what broke: 2 of 2 points/);
  await page.keyboard.press("Escape");
  await page.locator("#lessons-overview").waitFor({ state: "detached" });

  // Back to the learner's own work: the panel stays with the lesson's entry, and Continue goes
  // back to that entry (no new one).
  await page.locator("#library-button").click();
  await page.locator("#library-panel [data-entry-id]:not([data-open=true]) [data-action=open]").first().click();
  await page.locator("#lesson-panel").waitFor({ state: "detached" });
  await settled(page);
  await page.locator("#lessons-button").click();
  assert.equal(await text(page, "[data-lesson=n-plus-k] [data-action=start]"), "Continue");
  await page.locator("[data-lesson=n-plus-k] [data-action=start]").click();
  await page.locator("#lesson-quiz").waitFor();
  await settled(page);
  assert.equal((await entryKeys(page)).length, after.length, "Continue went back to the lesson's entry");
  assert.match(await text(page, "#info"), /Back to the lesson/);

  // Corrupt progress: reset with a message, the page keeps working.
  await page.evaluate((k) => localStorage.setItem(k, "{\"version\": 1, \"lessons\": [tr"), PROGRESS_KEY);
  await page.reload();
  await settled(page);
  await page.locator("#lesson-message").waitFor();
  assert.match(await text(page, "#lesson-message"), /could not be read.*starting the course again/);
  assert.equal(await text(page, "#lesson-step"), "Step 1 of 1");
  assert.ok(await page.locator("#run-button").isVisible());
  const stored = await page.evaluate((k) => localStorage.getItem(k), PROGRESS_KEY);
  assert.doesNotThrow(() => JSON.parse(stored), "the reset progress is stored");
  assert.deepEqual(errors, []);
});

test("a #lesson= link opens its lesson in a fresh browser; Show me is undoable; an unknown name is explained", async () => {
  const { page, errors, context } = await openPage(served.browser, `${served.url}#lesson=single-point-of-failure`);
  await page.locator("#lesson-panel").waitFor();
  await settled(page);
  assert.equal(await text(page, "#lesson-step"), "Step 1 of 2");
  assert.equal(await page.evaluate(() => location.hash), "", "the link leaves the address bar");
  await goal(page, 0, "false").waitFor({ timeout: 90_000 });
  await page.locator("#lesson-show-me").click();
  await page.locator("#run-button").click();
  await goal(page, 0, "true").waitFor({ timeout: 90_000 });
  await page.locator("#lesson-next").click();
  assert.equal(await text(page, "#lesson-step"), "Step 2 of 2");
  await page.locator("#undo-button").click();
  assert.ok(await page.locator("#redo-button").isEnabled(), "Show me was an undoable edit");
  await context.close();

  const other = await openPage(served.browser, `${served.url}#lesson=no-such-lesson`);
  await settled(other.page);
  assert.match(await text(other.page, "#link-error"), /no-such-lesson.*Lessons button/);
  assert.equal(await other.page.locator("#lesson-panel").count(), 0);
  await other.page.locator("#lessons-button").click();
  assert.equal(await other.page.locator("#lessons-overview [data-lesson]").count(), 14);
  assert.deepEqual(errors, []);
  assert.deepEqual(other.errors, []);
  await other.context.close();
});
