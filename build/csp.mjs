// Trunk post-build hook (Trunk.toml): completes the Content-Security-Policy of the staged
// index.html with the SHA-256 hash of every inline <script> Trunk wrote (its wasm loader), so
// that `script-src` allows exactly those and the app's own files. Hashes, not nonces: dist/ is
// served as static files, with no server to mint a nonce per response.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("csp.mjs: TRUNK_STAGING_DIR is not set (run it as a Trunk hook)");
  process.exit(1);
}
const file = join(staging, "index.html");
const html = await readFile(file, "utf8");
const hashes = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)]
  .map((m) => `'sha256-${createHash("sha256").update(m[1], "utf8").digest("base64")}'`);
const marker = "'inline-script-hashes'";
if (!html.includes(marker)) {
  console.error(`csp.mjs: index.html has no ${marker} placeholder in its Content-Security-Policy`);
  process.exit(1);
}
await writeFile(file, html.replace(marker, hashes.join(" ")));
console.log(`csp.mjs: ${hashes.length} inline script(s) hashed into the Content-Security-Policy`);
