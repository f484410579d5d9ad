// Runs ES modules in a page whose Object.prototype is frozen, as Tauri's `security.freezePrototype` leaves it:
// a module that assigns a name Object.prototype already has (`proto.toString = …`, `x.constructor = …`) throws a
// TypeError here exactly as it does in the real window, which jsdom and the headless-browser checks never freeze.
//
//   node --enable-source-maps scripts/frozen-prototype.mjs [--report] MODULE.js...
//
// Imports each module in order; one that exports `renderCharts` (src/test/frozen-prototype/harness.tsx, bundled)
// is called with the page's #root. Prints one JSON line and exits 0, or prints the error and exits 1. The built
// app works too: `node scripts/frozen-prototype.mjs dist/assets/index-*.js dist/assets/MetricsSection-*.js`.
//
// --report does not freeze: it turns each of Object.prototype's properties into an accessor that records who
// assigns it and lets the assignment through, so one run lists every offending line instead of only the first.
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const report = args[0] === "--report";
const modules = report ? args.slice(1) : args;
if (modules.length === 0) {
  console.error("usage: node scripts/frozen-prototype.mjs [--report] MODULE.js...");
  process.exit(2);
}

// The page's environment comes first, as the webview's does: jsdom is the browser here, not page code.
const require = createRequire(import.meta.url);
const { JSDOM } = require("jsdom");
const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>', {
  url: "http://localhost/",
  pretendToBeVisual: true,
});
for (const name of Object.getOwnPropertyNames(dom.window)) {
  if (!(name in globalThis)) globalThis[name] = dom.window[name];
}
for (const name of ["window", "self", "document", "navigator", "location"]) {
  Object.defineProperty(globalThis, name, { value: dom.window[name], configurable: true, writable: true });
}

const sites = new Map();
if (report) {
  for (const key of Reflect.ownKeys(Object.prototype)) {
    const { value, enumerable } = Object.getOwnPropertyDescriptor(Object.prototype, key);
    if (typeof value !== "function") continue; // __proto__ is an accessor already
    Object.defineProperty(Object.prototype, key, {
      enumerable,
      get: () => value,
      set(v) {
        const frame = (new Error().stack ?? "").split("\n")[2]?.trim() ?? "?";
        const site = `${String(key)} ${frame}`;
        sites.set(site, (sites.get(site) ?? 0) + 1);
        Object.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
      },
    });
  }
} else {
  Object.freeze(Object.prototype); // all that Tauri's freeze_prototype.js does
}

try {
  let rendered = null;
  for (const path of modules) {
    const module = await import(pathToFileURL(resolve(path)).href);
    if (typeof module.renderCharts === "function") rendered = await module.renderCharts(document.getElementById("root"));
  }
  console.log(JSON.stringify({ frozen: Object.isFrozen(Object.prototype), rendered }));
  if (report) {
    for (const [site, count] of sites) console.error(`${count}× ${site}`);
    if (sites.size > 0) throw new Error(`${sites.size} assignments to names of Object.prototype (listed above)`);
  }
  process.exit(0);
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
}
