/**
 * One step of `npm test` (scripts/test.ts, scripts/support/peer-steps.ts): runs a Node command with
 * its output streamed through, and keeps the lines that name a failure (Vitest's `FAIL`/`×`,
 * Playwright's `✘` and its failed-test list) so that the summary at the very end can repeat them.
 * CI often shows only the tail of a long log; without the repeat, a red step says nothing of why.
 */
import { spawn } from "node:child_process";

export type StepResult = { label: string; status: number; failures: string[] };

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
// Vitest: " FAIL  tests/x.test.ts > suite > test", " × test name 12ms"; Playwright: "  ✘  3 tests/e2e/…",
// "    [chromium] › tests/e2e/…" in the final list, "  1 failed" / "  2 flaky".
const FAILURE_LINE = /^\s*(FAIL\s|×|✘|\d+ (failed|flaky)\b|\w*Error: |\[chromium\] ›|tests\/e2e\/\S+:\d+:\d+ ›)/;
const MAX_KEPT = 40;

export function runStep(label: string, command: string[], env: NodeJS.ProcessEnv = process.env): Promise<StepResult> {
  console.log(`\n=== ${label}: ${command.join(" ")}\n`);
  const startedAt = Date.now();
  const failures: string[] = [];
  let partial = "";
  const keep = (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const raw of lines) {
      const line = raw.replace(ANSI, "").trimEnd();
      if (FAILURE_LINE.test(line) && failures.length < MAX_KEPT && !failures.includes(line.trim())) failures.push(line.trim());
    }
  };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, command, { stdio: ["inherit", "pipe", "pipe"], env });
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      keep(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      keep(chunk);
    });
    child.on("error", (error) => resolve({ label, status: 1, failures: [`could not start: ${error.message}`] }));
    child.on("close", (code) => {
      console.log(`[test] ${label}: ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
      resolve({ label, status: code ?? 1, failures });
    });
  });
}

/** A step that did not run a command (a missing peer in CI): failed, with the reason. */
export function failedStep(label: string, reason: string): StepResult {
  return { label, status: 1, failures: [reason] };
}

/** The closing lines of `npm test`: every step's verdict, then what each failed step reported. */
export function printSummary(results: StepResult[]): number {
  console.log("\n=== summary");
  for (const { label, status } of results) console.log(`${status === 0 ? "PASS" : "FAIL"}  ${label}`);
  const failed = results.filter((r) => r.status !== 0);
  for (const { label, failures } of failed) {
    console.log(`\n--- ${label}: what failed`);
    // The shortest useful digest: test names first (they repeat across formats), at most 8 lines.
    const shown = failures.slice(0, 8);
    for (const line of shown) console.log(`  ${line.slice(0, 200)}`);
    if (failures.length > shown.length) console.log(`  … ${failures.length - shown.length} more lines above`);
    if (failures.length === 0) console.log("  (no failing test named: read the step's output above)");
  }
  console.log(`\nsteps: ${results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0 ? 0 : 1;
}
