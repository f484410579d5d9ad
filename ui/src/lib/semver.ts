// Semantic versions, enough to mirror Rust's checks (the `semver` crate) in the register form.
// Rust stays the authority: a version it refuses still shows its message.

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
}

const NUM = "(0|[1-9]\\d*)";
const IDENT = "(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)";
const SEMVER = new RegExp(
  `^${NUM}\\.${NUM}\\.${NUM}(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`,
);

/** MAJOR.MINOR.PATCH[-pre][+build], or null. */
export function parseSemver(text: string): SemVer | null {
  const m = SEMVER.exec(text.trim());
  if (!m) return null;
  const [major, minor, patch] = [m[1], m[2], m[3]].map((x) => Number(x)) as [number, number, number];
  if (![major, minor, patch].every(Number.isSafeInteger)) return null;
  return { major, minor, patch, pre: m[4] ? m[4].split(".") : [] };
}

function compareIdent(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Number(a) - Number(b);
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence (build metadata ignored): negative, zero or positive. */
export function compareSemver(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return core;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const c = compareIdent(a.pre[i] ?? "", b.pre[i] ?? "");
    if (c !== 0) return c;
  }
  return a.pre.length - b.pre.length;
}

/** The greatest of these versions (the unparsable ones left out), or null. */
export function latestVersion(versions: readonly string[]): string | null {
  let best: { text: string; v: SemVer } | null = null;
  for (const text of versions) {
    const v = parseSemver(text);
    if (v && (!best || compareSemver(v, best.v) > 0)) best = { text, v };
  }
  return best?.text ?? null;
}

/** The next patch release after `version`: "2.1.0" → "2.1.1", "2.1.0-rc.1" → "2.1.0". "" if unparsable. */
export function nextPatch(version: string): string {
  const v = parseSemver(version);
  if (!v) return "";
  return v.pre.length > 0 ? `${v.major}.${v.minor}.${v.patch}` : `${v.major}.${v.minor}.${v.patch + 1}`;
}
