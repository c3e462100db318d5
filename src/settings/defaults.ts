// Defaults that the command line shows in --help, in a module that imports nothing, so registering
// the options (src/settings/options.ts, read for every command, --help and --version too) loads no
// use case. The planner uses the same value: src/plan/plan.ts's DEFAULT_MAX_ACTIONS_PER_TENANT
// (test/settings/settings.test.ts checks the option's default against it).

/** Refuse (as an error finding) more actions than this in one tenant unless --max-actions says otherwise. */
export const DEFAULT_MAX_ACTIONS_PER_TENANT = 1000;
