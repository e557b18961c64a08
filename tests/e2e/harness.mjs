// Shared end-to-end harness: serves the release build (dist/) on loopback and drives Debian's
// headless Chromium through playwright-core. Nothing here reaches beyond 127.0.0.1.
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

export const DIST = process.env.DIST ?? new URL("../../dist", import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = new URL("./screenshots/", import.meta.url).pathname;

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
};

/**
 * Serves dist/ on an ephemeral loopback port; resolves to { url, close }. With a `prefix` such as
 * "/tools/failover/", dist/ is served under that path only (as a host's sub-folder would).
 */
export async function serveDist({ prefix = "/" } = {}) {
  const server = createServer(async (req, res) => {
    const full = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (!full.startsWith(prefix)) {
      res.writeHead(404).end("not found");
      return;
    }
    const path = normalize(`/${full.slice(prefix.length)}`);
    const file = join(DIST, path.endsWith("/") ? `${path}index.html` : path);
    if (!file.startsWith(DIST)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${prefix}`, close: () => new Promise((r) => server.close(r)) };
}

/** Launches headless Chromium with the flags this machine needs. */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
    ],
  });
}

/**
 * Opens a page and collects what a person would not see but a test must: uncaught errors and
 * console errors (a panic in wasm shows up in both).
 */
export async function openPage(browser, url, { context } = {}) {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 1400, height: 900 } }));
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
  await page.goto(url);
  return { page, errors, context: ctx };
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/**
 * Serves dist/ and launches Chromium once for the calling test file (node:test `before`/`after`
 * hooks); the returned object's `url` and `browser` are set once `before` has run.
 */
export function servedApp() {
  const app = { url: null, browser: null, server: null };
  before(async () => {
    app.server = await serveDist();
    app.url = app.server.url;
    app.browser = await launch();
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}

/** Waits until a run has finished and its digest is shown. */
export async function settled(page) {
  await page.waitForFunction(
    () => /^[0-9a-f]{8,}$/.test(document.querySelector("#digest")?.textContent?.trim() ?? "") &&
      document.querySelector("#run-button") !== null,
    null,
    { timeout: 90_000 },
  );
}
