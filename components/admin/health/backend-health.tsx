"use client";

import { useState } from "react";

import { ActionError } from "@/components/admin/action-error";
import { useAdminAction } from "@/components/admin/use-admin-action";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { BackendHealthAnswer } from "@/lib/doctor/admin-health";
import type { CheckResult, CheckStatus } from "@/lib/doctor/doctor-types";

const BADGE: Record<CheckStatus, BadgeVariant> = { ok: "success", warn: "warning", fail: "destructive", skip: "secondary" };

/** "Run checks" and the results: one row per check with its badge, what was seen, what to change. */
export function BackendHealth() {
  const { run, pending, error } = useAdminAction<BackendHealthAnswer>();
  const [answer, setAnswer] = useState<BackendHealthAnswer | null>(null);

  async function runChecks() {
    const result = await run("/api/admin/health");
    if (result?.ok) setAnswer(result.body);
  }

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <Button onClick={runChecks} disabled={pending} aria-busy={pending}>
          {pending ? "Running checks…" : "Run checks"}
        </Button>
        {pending && <span className="text-sm text-zinc-500 dark:text-zinc-400">This takes up to about 15 seconds.</span>}
        {answer && !pending && <Verdict answer={answer} />}
      </div>
      <ActionError error={error} />
      {answer && (
        <ul className="flex flex-col divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Check results">
          {answer.report.checks.map((check) => (
            <CheckRow key={check.name} check={check} />
          ))}
        </ul>
      )}
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        Not run here: waiting out the authorized-connections timeout. Run <code>npm run doctor -- --authorized-timeout</code> for that.
      </p>
    </div>
  );
}

function Verdict({ answer }: { answer: BackendHealthAnswer }) {
  const failed = answer.report.checks.filter((check) => check.status === "fail").length;
  const time = new Date(answer.finishedAt).toLocaleTimeString();
  return (
    <p role="status" data-testid="health-verdict" className="text-sm">
      {failed > 0 ? `${failed} ${failed === 1 ? "check" : "checks"} failed` : "All required checks passed"} · {time}
    </p>
  );
}

function CheckRow({ check }: { check: CheckResult }) {
  return (
    <li className="flex flex-col gap-1 py-3" data-testid="health-check" data-check={check.name} data-status={check.status}>
      <div className="flex flex-wrap items-baseline gap-3">
        <Badge variant={BADGE[check.status]} className="w-12 justify-center uppercase">
          {check.status}
        </Badge>
        <span className="font-medium">{check.name}</span>
      </div>
      <p className="pl-[3.75rem] text-sm text-zinc-700 dark:text-zinc-300">{check.summary}</p>
      {check.fix && (
        <ul className="pl-[3.75rem] text-sm text-zinc-600 dark:text-zinc-400" aria-label={`What to change for ${check.name}`}>
          {check.fix.map((fix) => (
            <li key={fix} className="break-words">
              → {fix}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
