/**
 * `npm run check:lock`: fails when package-lock.json no longer installs with `npm ci` (what CI,
 * Docker builds and deployers run). Two checks, both without touching node_modules:
 *   1. every optional dependency of every locked package has its own entry, for every platform
 *      (a lock written by an npm that pruned other platforms' binaries, e.g. `@next/swc-darwin-*`,
 *      makes `npm ci` stop with "Missing: … from lock file" on a fresh clone);
 *   2. `npm ci --dry-run` itself, on copies of package.json and the lock in a temp folder: npm's
 *      own verdict that the two are in sync (runs from the npm cache; offline-safe once installed).
 * Fix a failure with `npm install --package-lock-only` (npm ≥ 11 keeps every platform's entry).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.join(__dirname, "..");
const FIX = "run `npm install --package-lock-only` (npm 11) and commit package-lock.json";

interface LockedPackage {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  link?: boolean;
}

/** Where npm would find `name` for the package at `from`: node_modules folders from it upwards. */
function resolveIn(packages: Record<string, LockedPackage>, from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return null;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut === -1 ? "" : base.slice(0, cut);
  }
}

/** Dependencies of locked packages that have no entry of their own (what `npm ci` calls "Missing"). */
export function missingLockEntries(lock: { packages?: Record<string, LockedPackage> }): string[] {
  const packages = lock.packages ?? {};
  const missing = new Set<string>();
  for (const [location, entry] of Object.entries(packages)) {
    if (entry.link) continue;
    const wanted = { ...entry.dependencies, ...entry.optionalDependencies };
    for (const [name, range] of Object.entries(wanted)) {
      if (!resolveIn(packages, location, name)) missing.add(`${name}@${range} (needed by ${location || "the project"})`);
    }
  }
  return [...missing].sort();
}

function main(): number {
  const lockPath = path.join(ROOT, "package-lock.json");
  if (!existsSync(lockPath)) {
    console.error(`check:lock: no package-lock.json: ${FIX}`);
    return 1;
  }
  const missing = missingLockEntries(JSON.parse(readFileSync(lockPath, "utf8")));
  if (missing.length > 0) {
    console.error(
      `check:lock: package-lock.json lacks ${missing.length} entr${missing.length === 1 ? "y" : "ies"}, so \`npm ci\` fails on a fresh clone:`,
    );
    for (const line of missing.slice(0, 20)) console.error(`  - ${line}`);
    if (missing.length > 20) console.error(`  … and ${missing.length - 20} more`);
    console.error(`Fix: ${FIX}`);
    return 1;
  }

  const dir = mkdtempSync(path.join(tmpdir(), "check-lock-"));
  try {
    for (const file of ["package.json", "package-lock.json", ".npmrc"]) {
      if (existsSync(path.join(ROOT, file))) copyFileSync(path.join(ROOT, file), path.join(dir, file));
    }
    const npm = spawnSync("npm", ["ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: dir,
      encoding: "utf8",
    });
    if (npm.error) {
      console.error(`check:lock: could not run npm: ${npm.error.message}`);
      return 1;
    }
    if (npm.status !== 0) {
      const said = (npm.stderr || npm.stdout).split("\n").filter((line) => /Missing|Invalid|sync|error code/i.test(line));
      console.error(
        `check:lock: \`npm ci --dry-run\` refuses package.json + package-lock.json:\n${said.slice(0, 20).join("\n")}\nFix: ${FIX}`,
      );
      return 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `check:lock: package-lock.json is complete (${Object.keys(JSON.parse(readFileSync(lockPath, "utf8")).packages ?? {}).length - 1} packages) and in sync with package.json`,
  );
  return 0;
}

if (require.main === module) process.exit(main());
