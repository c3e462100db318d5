// Every command-line option shared by more than one command, declared once: its flags, default and
// validator (execa's options table idea). A command picks the ones it takes and may say, in its own
// words, what the option means for it; the flags, the default and the check stay the same everywhere.

import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_ACTIONS_PER_TENANT } from './defaults.js';
import { DEFAULT_TENANT_CONCURRENCY } from '../util/concurrency.js';

/** A whole number of at least 1. */
export function parsePositiveCount(value: string): number {
  const n = parseCount(value);
  if (n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got ${JSON.stringify(value)}`);
  return n;
}

export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a whole number, got ${JSON.stringify(value)}`);
  return n;
}

interface Declared {
  flags: string;
  description: string;
  defaultValue?: unknown;
  parse?: (value: string) => unknown;
}

const OPTIONS = {
  dir: { flags: '-d, --dir <dir>', description: 'config directory', defaultValue: '.' },
  state: { flags: '-s, --state <dir>', description: 'read live snapshots <dir>/<tenant>.json instead of exporting (offline)' },
  refresh: { flags: '--refresh', description: 'export live state first (into --state when given)' },
  baselineRef: { flags: '--baseline-ref <ref>', description: "the commit already applied (or a pull request's base): endpoint secrets are sent again where credentials.rotation differs from it" },
  out: { flags: '-o, --out <file>', description: 'also save the plan as JSON, for apply --plan and as a workflow artifact' },
  tenant: { flags: '-t, --tenant <name>', description: 'only this tenant' },
  concurrency: {
    flags: '--concurrency <n>',
    description: 'work on at most <n> tenants at once (one PowerShell each)',
    defaultValue: DEFAULT_TENANT_CONCURRENCY,
    parse: parsePositiveCount,
  },
  maxActions: {
    flags: '--max-actions <n>',
    description: 'refuse (as an error finding) more than <n> actions in one tenant; 0 for no limit',
    defaultValue: DEFAULT_MAX_ACTIONS_PER_TENANT,
    parse: parseCount,
  },
} as const satisfies Record<string, Declared>;

export type SharedOption = keyof typeof OPTIONS;

/** The shared option, optionally described in the command's own words. */
export function sharedOption(name: SharedOption, description?: string): Option {
  const declared: Declared = OPTIONS[name];
  const option = new Option(declared.flags, description ?? declared.description);
  if (declared.parse) option.argParser(declared.parse);
  if (declared.defaultValue !== undefined) option.default(declared.defaultValue);
  return option;
}

export function formatOption<T extends string>(choices: readonly T[]): Option {
  return new Option('-f, --format <format>', 'output format').choices(choices).default(choices[0]);
}
