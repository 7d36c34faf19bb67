// Bundles the director's view and GraphiQL into the Python package (committed, so a fresh
// clone works after `pip install -e .`; rebuild with `make web`).
import { build } from "esbuild";

const out = "../services/syncpoint/web/static";
await build({
  entryPoints: { map: "src/map.js", timeline: "src/timeline.js", graphiql: "src/graphiql.jsx" },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  outdir: out,
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".js": "jsx" },
  legalComments: "eof",
  logLevel: "info",
});
