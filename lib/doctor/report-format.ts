/** The doctor's report as text: one line per check, then what to change, then a verdict. */
import type { CheckResult, DoctorReport } from "./doctor-types";

const NAME_WIDTH = 24;

export function formatCheck(check: CheckResult): string {
  const line = `${check.status.padEnd(5)} ${check.name.padEnd(NAME_WIDTH)} ${check.summary}`;
  const fixes = (check.fix ?? []).map((fix) => `${" ".repeat(6)}→ ${fix}`);
  return [line, ...fixes].join("\n");
}

export function formatReport(report: DoctorReport): string {
  const count = (status: CheckResult["status"]) => report.checks.filter((check) => check.status === status).length;
  const failed = count("fail");
  const warned = count("warn");
  const verdict =
    failed > 0
      ? `${failed} failed: change what the → lines say, then run the doctor again`
      : warned > 0
        ? "passed, with warnings"
        : "passed";
  const tally = [`${count("ok")} ok`, `${warned} warn`, `${failed} fail`, ...(count("skip") ? [`${count("skip")} skipped`] : [])].join(
    ", ",
  );
  return [`Backend doctor — ${report.target}`, "", ...report.checks.map(formatCheck), "", `${tally}: ${verdict}`].join("\n");
}
