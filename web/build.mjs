// Bundles the director's view and GraphiQL into the Python package (committed, so a fresh
// clone works after `pip install -e .`; rebuild with `make web`).
// bundles.json records the hash of every input and output, so a test (tests/web/test_bundles.py)
// notices a source changed without a rebuild, or a bundle edited by hand.
// SYNCPOINT_WEB_OUT builds elsewhere (the test's rebuild, compared byte for byte).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const out = process.env.SYNCPOINT_WEB_OUT || "../services/syncpoint/web/static";
const entryPoints = { map: "src/map.js", timeline: "src/timeline.js", graphiql: "src/graphiql.jsx" };
const result = await build({
  entryPoints,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  outdir: out,
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".js": "jsx" },
  legalComments: "eof",
  logLevel: "info",
  metafile: true,
});

/** @param {string} path */
const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");
const inputs = ["build.mjs", "package.json", "package-lock.json",
  ...readdirSync("src").sort().map((name) => `src/${name}`)];
const outputs = Object.keys(result.metafile.outputs).map((path) => path.slice(path.lastIndexOf("/") + 1)).sort();
const stamp = {
  sources: Object.fromEntries(inputs.map((path) => [`web/${path}`, sha256(path)])),
  bundles: Object.fromEntries(outputs.map((name) => [name, sha256(`${out}/${name}`)])),
};
writeFileSync(`${out}/bundles.json`, `${JSON.stringify(stamp, null, 2)}\n`);
