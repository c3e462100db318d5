// The `github …` commands' implementation, loaded only when one of them runs (their options:
// commands/github.ts): the GITHUB_* variables checked first (nothing is posted when one is wrong),
// then one use case of src/github, whose exit code is the command's.

import { APPLY_REPORT_NEEDS, applyReport, type ApplyReportOptions } from '../../github/apply-report.js';
import { DRIFT_NEEDS, drift, type DriftOptions } from '../../github/drift.js';
import { PLAN_COMMENT_NEEDS, planComment, type PlanCommentOptions } from '../../github/plan-comment.js';
import { setupFailed } from '../../github/use-case.js';
import { GitHubSetupError, readGitHubSettings, type GitHubSettings, type SettingsNeeds } from '../../settings/github.js';
import type { CliContext } from '../context.js';

export type { ApplyReportOptions, DriftOptions, PlanCommentOptions };

/** Read the GITHUB_* variables the command needs and run its use case; a setup problem ends it with exit 1 before anything is computed or posted. */
async function withGitHub(context: CliContext, needs: SettingsNeeds, useCase: (settings: GitHubSettings) => Promise<number>): Promise<void> {
  let settings: GitHubSettings;
  try {
    settings = readGitHubSettings(context.env, needs);
  } catch (error) {
    if (!(error instanceof GitHubSetupError)) throw error;
    context.setExitCode(setupFailed(error.message, context));
    return;
  }
  context.setExitCode(await useCase(settings));
}

/** Whose comments are the bot's own (EXO_GITOPS_BOT_LOGIN for a GitHub App or PAT token). */
const botLogin = (context: CliContext): string => context.settings.botLogin;

export const planCommentCommand = (options: PlanCommentOptions, context: CliContext): Promise<void> =>
  withGitHub(context, PLAN_COMMENT_NEEDS, (settings) => planComment(options, settings, botLogin(context), context));

export const driftCommand = (options: DriftOptions, context: CliContext): Promise<void> =>
  withGitHub(context, DRIFT_NEEDS, (settings) => drift(options, settings, context));

export const applyReportCommand = (options: ApplyReportOptions, context: CliContext): Promise<void> =>
  withGitHub(context, APPLY_REPORT_NEEDS, (settings) => applyReport(options, settings, botLogin(context), context));
