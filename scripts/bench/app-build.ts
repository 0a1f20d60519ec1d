/**
 * The production build the bench runs, as a private copy: .next is shared by everyone working in
 * this checkout (builds for e2e runs replace it), so the bench copies it once, under the same lock
 * the builds take (/tmp/next-build.lock), into tmp/bench-app-build and runs `next start` on that
 * directory. Node resolves node_modules from there by walking up to the checkout's own, except
 * for Turbopack's hashed externals: .next/node_modules/argon2-<hash> is a relative symlink to
 * ../../node_modules/argon2, so the copy gets a node_modules link to the checkout's.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";

export const BUILD_LOCK = "/tmp/next-build.lock";

/** Builds first when `build` is true (`NODE_ENV=production next build`), then copies; returns the directory and its BUILD_ID. */
export function snapshotProductionBuild(build: boolean, target = resolve("tmp", "bench-app-build")): { dir: string; buildId: string } {
  const script = [
    build ? "NODE_ENV=production npx next build >&2 &&" : "",
    'test -f .next/BUILD_ID || { echo "no production build in .next: run npm run build (or pass --build)" >&2; exit 1; } &&',
    `rm -rf "${target}" && mkdir -p "${target}/.next" &&`,
    // Everything but the build cache and dev-server output.
    `for entry in .next/*; do case "$entry" in .next/cache|.next/dev) ;; *) cp -a "$entry" "${target}/.next/" ;; esac; done`,
  ].join(" ");
  execFileSync("flock", [BUILD_LOCK, "-c", script], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  mkdirSync(target, { recursive: true });
  cpSync("next.config.mjs", join(target, "next.config.mjs"));
  rmSync(join(target, "node_modules"), { force: true });
  symlinkSync(resolve("node_modules"), join(target, "node_modules"), "dir");
  if (existsSync("public")) {
    rmSync(join(target, "public"), { recursive: true, force: true });
    cpSync("public", join(target, "public"), { recursive: true });
  }
  return { dir: target, buildId: readFileSync(join(target, ".next", "BUILD_ID"), "utf8").trim() };
}
