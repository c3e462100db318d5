// The run record: what an apply did, as JSON a workflow uploads and a later session can read. It
// carries ids, outcomes and messages (already redacted), never a secret or a script.

import { appendFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Plan } from '../model/plan.js';
import { sha256 } from '../plan/digest.js';
import { renderPlanJson } from '../render/plan-json.js';
import type { ApplyRun, StepResult } from './apply.js';

const RUN_RECORD_FORMAT_VERSION = 1;

export interface RunSummary {
  succeeded: number;
  failed: number;
  skipped: number;
}

export function summarizeResults(results: readonly StepResult[]): RunSummary {
  const summary: RunSummary = { succeeded: 0, failed: 0, skipped: 0 };
  for (const r of results) {
    if (r.outcome === 'failed') summary.failed++;
    else if (r.outcome === 'skipped') summary.skipped++;
    else summary.succeeded++;
  }
  return summary;
}

function planDigest(plan: Plan): string {
  return `sha256:${sha256(renderPlanJson(plan))}`;
}

function actorOf(env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_ACTOR) return `github:${env.GITHUB_ACTOR}`;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface RunRecord {
  formatVersion: typeof RUN_RECORD_FORMAT_VERSION;
  outcome: 'succeeded' | 'failed' | 'refused';
  startedAt: string;
  finishedAt: string;
  actor: string;
  commit: Plan['commit'];
  plan: { digest: string; desiredDigest: string; snapshotDigests: Record<string, string> };
  summary: RunSummary;
  refusals: string[];
  tenants: ApplyRun['tenants'];
  results: StepResult[];
  /**
   * The run was stopped: by Ctrl-C or SIGTERM (the steps it did not start are skipped, reason
   * "interrupted: not started"), or killed before it could write its record (read from its journal).
   */
  interrupted?: true;
}

export function runRecord(plan: Plan, run: ApplyRun | undefined, details: { startedAt: Date; finishedAt: Date; env: NodeJS.ProcessEnv; refusals?: string[] }): RunRecord {
  const results = run?.results ?? [];
  const summary = summarizeResults(results);
  const refused = details.refusals ?? [];
  return {
    formatVersion: RUN_RECORD_FORMAT_VERSION,
    outcome: refused.length > 0 ? 'refused' : summary.failed > 0 || run?.interrupted ? 'failed' : 'succeeded',
    startedAt: details.startedAt.toISOString(),
    finishedAt: details.finishedAt.toISOString(),
    actor: actorOf(details.env),
    commit: plan.commit,
    plan: { digest: planDigest(plan), desiredDigest: plan.desiredDigest, snapshotDigests: plan.snapshotDigests },
    summary,
    refusals: refused,
    tenants: run?.tenants ?? [],
    results,
    ...(run?.interrupted ? { interrupted: true as const } : {}),
  };
}

/**
 * While apply runs, the record file is a journal: a first line naming the run, then one JSON line per
 * step result as it finishes, each written before the next step is reported. A run killed half-way
 * leaves it so, and it still says what succeeded; a run that ends replaces it with the record
 * (atomically). readRunRecord reads either.
 */
export class RunJournal {
  constructor(
    private readonly file: string,
    plan: Plan,
    details: { startedAt: Date; env: NodeJS.ProcessEnv },
  ) {
    const header = { exoGitopsRunJournal: RUN_RECORD_FORMAT_VERSION, startedAt: details.startedAt.toISOString(), actor: actorOf(details.env), commit: plan.commit, plan: { digest: planDigest(plan), desiredDigest: plan.desiredDigest, snapshotDigests: plan.snapshotDigests } };
    writeFileSync(file, `${JSON.stringify(header)}\n`, { mode: 0o600 });
  }

  step(result: StepResult): void {
    appendFileSync(this.file, `${JSON.stringify(result)}\n`);
  }
}

export class RunRecordError extends Error {}

/** A run record, or the journal a killed run left (outcome failed, interrupted: true). */
export function readRunRecord(text: string): RunRecord {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  if (whole !== undefined) {
    const record = whole as RunRecord;
    if (record === null || typeof record !== 'object') throw new RunRecordError('not a run record');
    if (record.formatVersion !== RUN_RECORD_FORMAT_VERSION) throw new RunRecordError(`formatVersion ${JSON.stringify(record.formatVersion)} is not ${RUN_RECORD_FORMAT_VERSION}`);
    if (!['succeeded', 'failed', 'refused'].includes(record.outcome) || !Array.isArray(record.results)) throw new RunRecordError('not a run record');
    return record;
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  let header: { exoGitopsRunJournal?: unknown; startedAt?: string; actor?: string; commit?: Plan['commit']; plan?: RunRecord['plan'] };
  try {
    header = JSON.parse(lines[0] ?? '') as typeof header;
  } catch (error) {
    throw new RunRecordError(`not JSON: ${(error as Error).message}`);
  }
  if (header.exoGitopsRunJournal !== RUN_RECORD_FORMAT_VERSION || !header.plan) throw new RunRecordError('not a run record');
  const results: StepResult[] = [];
  // The last line may be cut short by the kill: what parses counts.
  for (const line of lines.slice(1)) {
    try {
      results.push(JSON.parse(line) as StepResult);
    } catch {
      break;
    }
  }
  return {
    formatVersion: RUN_RECORD_FORMAT_VERSION,
    outcome: 'failed',
    interrupted: true,
    startedAt: header.startedAt ?? '',
    finishedAt: '',
    actor: header.actor ?? 'unknown',
    commit: header.commit ?? null,
    plan: header.plan,
    summary: summarizeResults(results),
    refusals: [],
    tenants: [],
    results,
  };
}
