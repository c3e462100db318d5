// apply: run a plan, one PowerShell session per tenant, target tenants first, and report each
// action's result as it finishes.
//
// Policy, in one place:
//   - Before anything runs, the plan is refused as a whole when it has error findings, destructive
//     actions whose class is not allowed, or a secret it needs that is not in the environment.
//   - Blocked actions never run; they and the actions that depend on them are reported skipped.
//   - Within a tenant, a failed action skips the actions that depend on it; the others still run.
//   - A tenant with a failed action stops the tenants after it (sources come after targets: the
//     source side must not publish to a target that is not ready); their actions are skipped.
//     Tenants of the same role (two targets, two sources) do not wait for each other: up to
//     --concurrency sessions run at once (sessions.ts, sessionWaits).
//   - Exchange's throttling errors are retried inside PowerShell with backoff; nothing else is.

import { hasErrors } from '../model/finding.js';
import type { Action, DestructiveClass, Plan, TenantPlan } from '../model/plan.js';
import { runScript, stderrTail } from '../process/pwsh.js';
import { INTERRUPTED_REASON, renderApplyScript, STEP_MARKER, STOP_FILE_ENV, type ApplyScriptOptions } from '../powershell/apply-script.js';
import { connectionSecretNames } from '../powershell/session.js';
import type { StopRequest } from './interrupt.js';
import { applySessions, sessionWaits } from './sessions.js';
import { DEFAULT_TENANT_CONCURRENCY, settleWithConcurrency } from '../util/concurrency.js';
import { redact, secretValues } from '../util/redact.js';

export type Outcome = 'created' | 'updated' | 'deleted' | 'replaced' | 'failed' | 'skipped';

export interface StepResult {
  id: string;
  tenant: string;
  kind: Action['kind'];
  identity: string;
  action: Action['action'];
  outcome: Outcome;
  reason?: string;
  error?: string;
  /** What the check after the change found (Test-MigrationServerAvailability after an endpoint change). */
  check?: string;
  durationMs: number;
}

export interface ApplyOptions {
  env: NodeJS.ProcessEnv;
  allow: ReadonlySet<DestructiveClass>;
  cwd?: string;
  /** Retry settings and the request budget passed to the generated script (tests shorten them). */
  retry?: Pick<ApplyScriptOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'budget'>;
  /** Sessions (one PowerShell each) at once, at most (--concurrency; default 4). */
  concurrency?: number;
  onResult?: (result: StepResult, progress: { done: number; total: number }) => void;
  header?: string;
  /** Once requested, the step in flight finishes and no further step starts (the CLI asks on Ctrl-C and SIGTERM). */
  stop?: StopRequest;
}

const PAST_TENSE: Record<Exclude<Action['action'], 'blocked'>, Outcome> = { create: 'created', update: 'updated', delete: 'deleted', replace: 'replaced' };

/** Why a plan may not be applied at all; empty when it may. Nothing has run when this says no. */
export function refusals(plan: Plan, allow: ReadonlySet<DestructiveClass>, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (hasErrors(plan.findings)) {
    const errors = plan.findings.filter((f) => f.severity === 'error');
    problems.push(`the plan has ${errors.length} error finding(s); fix them and re-plan:\n${errors.map((f) => `  ${f.code}: ${f.message}`).join('\n')}`);
  }
  const refused = new Map<DestructiveClass, string[]>();
  for (const tenant of plan.tenants) {
    for (const action of tenant.actions) {
      if (action.action === 'blocked') continue;
      for (const cls of action.destructive) if (!allow.has(cls)) refused.set(cls, [...(refused.get(cls) ?? []), action.id]);
    }
  }
  for (const [cls, ids] of refused) problems.push(`refused: ${ids.length} destructive action(s) of class ${cls} need --allow ${cls}:\n${ids.map((id) => `  ${id}`).join('\n')}`);
  for (const tenant of plan.tenants) {
    const runnable = tenant.actions.filter((a) => a.action !== 'blocked');
    if (runnable.length === 0) continue;
    for (const name of connectionSecretNames(tenant)) {
      if (!env[name]) problems.push(`environment variable ${name} (sign-in to ${tenant.tenant}) is not set`);
    }
    for (const action of runnable) {
      const secretEnv = action.parameters?.secretEnv;
      if (action.changes.some((c) => c.sensitive) && typeof secretEnv === 'string' && !env[secretEnv]) {
        problems.push(`environment variable ${secretEnv} (credentials.secretEnv of ${action.id}) is not set`);
      }
    }
  }
  return problems;
}

function resultOf(action: Action, outcome: Outcome, durationMs: number, detail: { reason?: string; error?: string; check?: string } = {}): StepResult {
  return { id: action.id, tenant: action.tenant, kind: action.kind, identity: action.identity, action: action.action, outcome, durationMs, ...detail };
}

function scriptFor(tenant: TenantPlan, options: ApplyOptions): string {
  return renderApplyScript(tenant, { ...options.retry, ...(options.header ? { header: options.header } : {}) });
}

async function runTenant(tenant: TenantPlan, script: string, options: ApplyOptions, report: (r: StepResult) => void): Promise<{ exitCode: number | undefined; durationMs: number }> {
  const byId = new Map(tenant.actions.map((a) => [a.id, a]));
  const reported = new Set<string>();
  // The variables the script reads by name: the only ones PowerShell gets besides its own, and the secrets to redact.
  const readsEnv = [...connectionSecretNames(tenant), ...tenant.actions.map((a) => a.parameters?.secretEnv).filter((n): n is string => typeof n === 'string')];
  const secrets = secretValues(options.env, readsEnv);
  const started = performance.now();

  const onLine = (text: string): void => {
    if (!text.includes(STEP_MARKER)) return;
    let parsed: { [STEP_MARKER]?: string; status?: string; reason?: string; error?: string; check?: string; durationMs?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      return;
    }
    const action = parsed[STEP_MARKER] !== undefined ? byId.get(parsed[STEP_MARKER]) : undefined;
    if (!action || reported.has(action.id)) return;
    // Measured by the script from the step's start: output may arrive in bursts, so the time it arrives says little.
    const duration = typeof parsed.durationMs === 'number' && Number.isFinite(parsed.durationMs) ? Math.max(0, Math.round(parsed.durationMs)) : 0;
    reported.add(action.id);
    if (parsed.status === 'succeeded' && action.action !== 'blocked') report(resultOf(action, PAST_TENSE[action.action], duration, typeof parsed.check === 'string' ? { check: redact(parsed.check, secrets) } : {}));
    else if (parsed.status === 'skipped') report(resultOf(action, 'skipped', duration, { reason: redact(parsed.reason ?? '', secrets) }));
    else report(resultOf(action, 'failed', duration, { error: redact(parsed.error ?? 'unknown error', secrets) }));
  };
  const stop = options.stop ? { env: { ...options.env, [STOP_FILE_ENV]: options.stop.file }, readsEnv: [...readsEnv, STOP_FILE_ENV] } : { env: options.env, readsEnv };
  const result = await runScript(script, { ...stop, onLine, ...(options.cwd ? { cwd: options.cwd } : {}) });
  // Actions that never reported (stderr redacted whole before its tail is taken: a secret may span the cut): the session failed before them (sign-in, a parse error, a crash).
  const why = result.failure === 'not-found'
    ? result.message
    : `the PowerShell session ended before this action reported (exit code ${result.exitCode ?? 'none'})${result.stderr ? `: ${stderrTail(redact(String(result.stderr), secrets), 6)}` : ''}`;
  for (const action of tenant.actions) {
    if (!reported.has(action.id)) report(resultOf(action, 'failed', 0, { error: redact(why, secrets) }));
  }
  return { exitCode: result.exitCode, durationMs: Math.round(performance.now() - started) };
}

export interface ApplyRun {
  results: StepResult[];
  tenants: { tenant: string; exitCode: number | undefined | null; durationMs: number }[];
  /** A stop was requested: the steps not started are skipped with INTERRUPTED_REASON. */
  interrupted?: true;
}

/** A step an interrupted apply did not start. */
export function notStarted(result: StepResult): boolean {
  return result.outcome === 'skipped' && result.reason === INTERRUPTED_REASON;
}

/**
 * Run every tenant's actions (sessions.ts): at most `concurrency` sessions at once, each once every
 * session it waits for has finished (sessionWaits: targets, then the other tenants, then sources, then
 * batches; tenants of one role side by side). A session waiting for one that had a failed action runs
 * nothing. Results are reported as they come, and returned in plan order. Call refusals() first: this
 * assumes the plan may run.
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyRun> {
  const reported: StepResult[] = [];
  const total = plan.tenants.reduce((n, t) => n + t.actions.length, 0);
  const report = (r: StepResult): void => {
    reported.push(r);
    options.onResult?.(r, { done: reported.length, total });
  };
  const sessions = applySessions(plan.tenants);
  // Every script is written before the first one runs: a plan that cannot be rendered changes nothing.
  for (const session of sessions) scriptFor(session.tenant, options);
  const waits = sessionWaits(sessions);
  const sessionOf = new Map<string, number>();
  sessions.forEach((s, index) => s.tenant.actions.forEach((a) => sessionOf.set(a.id, index)));
  const tenants: ApplyRun['tenants'] = new Array(sessions.length);
  const succeeded = new Set<string>();
  /** Per session, once finished: the tenant whose failed action stopped it or failed in it, if any. */
  const stoppedBy: (string | undefined)[] = new Array(sessions.length);
  const finished = sessions.map(() => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  });

  const runSession = async (index: number): Promise<void> => {
    const { tenant, earlier } = sessions[index]!;
    await Promise.all(waits[index]!.map((i) => finished[i]!.promise));
    const skipAll = (reason: (action: Action) => string): void => {
      for (const action of tenant.actions) report(resultOf(action, 'skipped', 0, { reason: reason(action) }));
      tenants[index] = { tenant: tenant.tenant, exitCode: null, durationMs: 0 };
    };
    if (options.stop?.requested) return skipAll(() => INTERRUPTED_REASON);
    // The first (in plan order) failure among the sessions this one waits for, or that stopped them.
    const failed = waits[index]!.map((i) => stoppedBy[i]).find((t) => t !== undefined);
    if (failed !== undefined) {
      stoppedBy[index] = failed;
      return skipAll(() => `tenant ${failed} had a failed action; later tenants wait for it`);
    }
    // What an action needs from an earlier session (the source's scope members for a batch) must have succeeded there.
    const skip = new Map<string, string>();
    for (const [id, needs] of earlier) {
      const missing = needs.find((need) => !succeeded.has(need));
      if (missing === undefined) continue;
      // Per-tenant apply (one job per tenant): the batch waits for the next apply of its tenant after the source's.
      const ran = sessionOf.get(missing);
      const notHere = `this run does not apply: apply ${missing.split('/')[0]}, then ${tenant.tenant} again`;
      skip.set(id, `depends on ${missing}, which ${ran !== undefined && waits[index]!.includes(ran) ? 'did not succeed' : notHere}`);
    }
    if (tenant.actions.every((a) => a.action === 'blocked' || skip.has(a.id))) {
      // Nothing to run: no session is opened just to report what is blocked.
      return skipAll((action) => skip.get(action.id) ?? `blocked: ${action.reason ?? ''}`);
    }
    const ran: StepResult[] = [];
    const run = await runTenant(tenant, renderApplyScript(tenant, { ...options.retry, ...(options.header ? { header: options.header } : {}), skip }), options, (r) => {
      ran.push(r);
      report(r);
    });
    tenants[index] = { tenant: tenant.tenant, ...run };
    for (const result of ran) if (result.outcome !== 'failed' && result.outcome !== 'skipped') succeeded.add(result.id);
    if (ran.some((r) => r.outcome === 'failed')) stoppedBy[index] = tenant.tenant;
  };

  const settled = await settleWithConcurrency(sessions, options.concurrency ?? DEFAULT_TENANT_CONCURRENCY, async (session, index) => {
    try {
      await runSession(index);
    } catch (error) {
      // Not a failed action but apply's own failure: the sessions waiting for this one run nothing, and it is thrown below.
      stoppedBy[index] ??= session.tenant.tenant;
      throw error;
    } finally {
      finished[index]!.resolve();
    }
  });
  const crashed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (crashed) throw crashed.reason;
  // In plan order: session by session, each in its actions' order (reported results, interleaved across tenants, as they came).
  const position = new Map(sessions.flatMap((s, i) => s.tenant.actions.map((a, k) => [a.id, i * 1_000_000 + k] as const)));
  const results = [...reported].sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
  // Stopped only if the stop left something not started: one requested during the last step changed nothing.
  return { results, tenants, ...(options.stop?.requested && results.some(notStarted) ? { interrupted: true as const } : {}) };
}
