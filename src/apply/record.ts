// The run record: what an apply did, as JSON a workflow uploads and a later session can read. It
// carries ids, outcomes and messages (already redacted), never a secret or a script.

import { userInfo } from 'node:os';
import type { Plan } from '../model/plan.js';
import { sha256 } from '../plan/digest.js';
import { renderPlanJson } from '../render/plan-json.js';
import type { ApplyRun, StepResult } from './apply.js';

export const RUN_RECORD_FORMAT_VERSION = 1;

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

export function planDigest(plan: Plan): string {
  return `sha256:${sha256(renderPlanJson(plan))}`;
}

export function actorOf(env: NodeJS.ProcessEnv): string {
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
}

export function runRecord(plan: Plan, run: ApplyRun | undefined, details: { startedAt: Date; finishedAt: Date; env: NodeJS.ProcessEnv; refusals?: string[] }): RunRecord {
  const results = run?.results ?? [];
  const summary = summarizeResults(results);
  const refused = details.refusals ?? [];
  return {
    formatVersion: RUN_RECORD_FORMAT_VERSION,
    outcome: refused.length > 0 ? 'refused' : summary.failed > 0 ? 'failed' : 'succeeded',
    startedAt: details.startedAt.toISOString(),
    finishedAt: details.finishedAt.toISOString(),
    actor: actorOf(details.env),
    commit: plan.commit,
    plan: { digest: planDigest(plan), desiredDigest: plan.desiredDigest, snapshotDigests: plan.snapshotDigests },
    summary,
    refusals: refused,
    tenants: run?.tenants ?? [],
    results,
  };
}
