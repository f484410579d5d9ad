import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import postcss, { type Rule } from "postcss";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const sheets = [
  join(here, "app.css"),
  ...readdirSync(join(here, "../features"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".css"))
    .map((f) => join(here, "../features", f)),
];

/** Rules nested in other rules: the stylesheets use none, so one is a missing closing brace. */
function nestedRules(css: string): string[] {
  const nested: string[] = [];
  postcss.parse(css).walkRules((rule: Rule) => {
    if (rule.parent?.type === "rule") nested.push(`${(rule.parent as Rule).selector} > ${rule.selector}`);
  });
  return nested;
}

describe("stylesheets", () => {
  it.each(sheets)("%s nests no rule inside another (a missing } would swallow every rule after it)", (file) => {
    expect(nestedRules(readFileSync(file, "utf8"))).toEqual([]);
  });

  it("the check finds a rule swallowed by a missing brace", () => {
    expect(nestedRules(".a { color: red;\n.b { color: blue; }\n}")).toEqual([".a > .b"]);
  });
});
