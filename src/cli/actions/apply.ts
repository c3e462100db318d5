// The apply command's implementation, loaded only when apply runs (its options: commands/apply.ts).
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { applyPlan, notStarted, refusals, type ApplyRun, type StepResult } from '../../apply/apply.js';
import { StopRequest } from '../../apply/interrupt.js';
import { NO_PLAN, planToApply } from '../../apply/plan-to-apply.js';
import { RunJournal, runRecord, summarizeResults } from '../../apply/record.js';
import { formatAddress } from '../../model/address.js';
import { showInvisible } from '../../util/invisible.js';
import { actionCount, runnableCount, type DestructiveClass, type Plan } from '../../model/plan.js';
import { renderFindingText } from '../../render/findings.js';
import { renderPlanText } from '../../render/plan-text.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { onInterrupt } from '../../process/pwsh.js';
import type { CliContext } from '../context.js';
import type { RequestBudget } from '../../powershell/retry.js';

export interface ApplyCliOptions {
  dir: string;
  plan?: string;
  state?: string;
  allow: DestructiveClass[];
  yes?: boolean;
  record?: string;
  maxActions: number;
  baselineRef?: string;
  tenant?: string;
  peerState?: string;
  concurrency: number;
  /** --request-budget: null is off; absent, the environment's or the default. */
  requestBudget?: RequestBudget | null;
}

async function confirm(context: CliContext): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('Apply these changes? Only "yes" is accepted: ');
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

function progressLine(result: StepResult): string {
  const detail = result.error ? `: ${result.error}` : result.reason ? ` (${result.reason})` : result.check ? ` (${result.check})` : '';
  const symbol = result.outcome === 'failed' ? '✗' : result.outcome === 'skipped' ? '-' : '✓';
  // The step too (#send-as, #cloud-managed…): one object may take several steps in one apply.
  const hash = result.id.indexOf('#');
  const step = hash === -1 ? '' : showInvisible(result.id.slice(hash));
  return `${symbol} ${result.outcome} ${formatAddress(result.tenant, result.kind, result.identity)}${step}${result.durationMs ? ` in ${result.durationMs} ms` : ''}${detail}`;
}

function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}

/** The apply command's action (loaded only when apply runs). */
export async function apply(options: ApplyCliOptions, context: CliContext): Promise<void> {
  const startedAt = new Date();
  const writeRecord = async (recorded: Plan | undefined, run: Parameters<typeof runRecord>[1], refusalList: string[] = []) => {
    if (options.record === undefined) return;
    const record = runRecord(recorded ?? NO_PLAN, run, { startedAt, finishedAt: new Date(), env: context.env, refusals: refusalList });
    await writeFileAtomic(resolve(context.cwd, options.record), `${JSON.stringify(record, null, 2)}\n`);
  };
  try {
    await applyCommand(options, context, writeRecord, startedAt);
  } catch (error) {
    // Every way apply ends writes the record: an unreadable plan, a failed export, a crash.
    const message = error instanceof AggregateError ? (error.errors as Error[]).map((e) => e.message).join('; ') : (error as Error).message;
    await writeRecord(undefined, undefined, [`apply could not run: ${message}`]).catch(() => undefined);
    throw error;
  }
}

type WriteRecord = (recorded: Plan | undefined, run: Parameters<typeof runRecord>[1], refusalList?: string[]) => Promise<void>;

async function applyCommand(options: ApplyCliOptions, context: CliContext, writeRecord: WriteRecord, startedAt: Date): Promise<void> {
  const chosen = await planToApply(options, context);
  if (!chosen.ok) {
    for (const f of chosen.findings ?? []) context.stderr(renderFindingText(f, { color: context.color }));
    context.stderr(`apply: ${chosen.problem}`);
    await writeRecord(chosen.recorded, undefined, [chosen.record]);
    context.setExitCode(1);
    return;
  }
  const { plan } = chosen;
  context.stdout(renderPlanText(plan, { color: context.color }));
  if (actionCount(plan.summary) === 0) {
    // A run record even for no changes, so a workflow's report tells "nothing to do" from "never ran".
    await writeRecord(plan, { results: [], tenants: [] });
    context.setExitCode(0);
    return;
  }
  const allow = new Set(options.allow);
  const refused = refusals(plan, allow, context.env);
  if (refused.length > 0) {
    for (const r of refused) context.stderr(`apply: ${r}`);
    context.stderr('apply: nothing was changed');
    await writeRecord(plan, undefined, refused);
    context.setExitCode(1);
    return;
  }
  // Only blocked actions: nothing runs, so nothing to confirm; the record lists them as skipped.
  if (!options.yes && runnableCount(plan.summary) > 0) {
    if (!context.interactive) {
      context.stderr('apply: not on a terminal: pass --yes to apply without confirmation; nothing was changed');
      await writeRecord(plan, undefined, ['not on a terminal and no --yes']);
      context.setExitCode(1);
      return;
    }
    if (!(await confirm(context))) {
      context.stderr('apply: cancelled; nothing was changed');
      await writeRecord(plan, undefined, ['cancelled at the confirmation prompt']);
      context.setExitCode(1);
      return;
    }
  }
  // From here the record file is a journal, one line per step result, until the record replaces it.
  const journal = options.record !== undefined ? new RunJournal(resolve(context.cwd, options.record), plan, { startedAt, env: context.env }) : undefined;
  // Ctrl-C or SIGTERM (a cancelled workflow): the step in flight finishes, no new one starts; a second one stops at once.
  const stop = new StopRequest();
  const release = onInterrupt(
    () => {
      stop.request();
      if (context.interactive) context.status?.('');
      context.stderr('apply: interrupted: the step in flight finishes and no new one starts (interrupt again to stop waiting)');
    },
    () => context.stderr('apply: stopped waiting: PowerShell finishes the step in flight and starts no other; the run record is the journal of what finished; run plan to see what remains'),
  );
  let run: ApplyRun;
  try {
    run = await applyPlan(plan, {
      stop,
      env: context.env,
      allow,
      cwd: resolve(context.cwd, options.dir),
      header: `plan ${plan.desiredDigest}${plan.commit ? ` commit ${plan.commit.sha}` : ''}`,
      concurrency: options.concurrency,
      ...(context.retry || options.requestBudget !== undefined ? { retry: { ...context.retry, ...(options.requestBudget !== undefined ? { budget: options.requestBudget } : {}) } } : {}),
      onResult: (result, progress) => {
        journal?.step(result);
        // What an interrupted run did not start is counted at the end, not listed line by line.
        if (notStarted(result)) return;
        // The bar is redrawn below the result lines: clear it, print the line, draw it again.
        const bar = context.interactive ? context.status : undefined;
        bar?.('');
        context.stdout(progressLine(result));
        bar?.(progressBar(progress.done, progress.total));
      },
    });
  } finally {
    release();
    stop.dispose();
  }
  if (context.interactive) context.status?.('');
  const summary = summarizeResults(run.results);
  // The failures again, after the summary: in a long run they scrolled away among the successes.
  const failed = run.results.filter((result) => result.outcome === 'failed');
  if (failed.length > 0) context.stdout(['', `Failed (${failed.length}):`, ...failed.map((result) => `  ${progressLine(result)}`), ''].join('\n'));
  context.stdout(`Apply: ${summary.succeeded} succeeded, ${summary.failed} failed, ${summary.skipped} skipped.`);
  await writeRecord(plan, run);
  if (run.interrupted) {
    const notRun = run.results.filter(notStarted).length;
    context.stderr(`interrupted: ${summary.succeeded + summary.failed} done, ${notRun} not started; run plan to see what remains`);
    context.setExitCode(130);
    return;
  }
  context.setExitCode(summary.failed > 0 ? 1 : 0);
}
