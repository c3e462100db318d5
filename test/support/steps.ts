// Step result lines carry the step's own duration (durationMs, measured by the script): it differs
// between runs and hosts, so output compared byte for byte is compared without it.
const STEP_DURATION = /,"durationMs":\d+/g;

export function timeless(stdout: string): string {
  return stdout.replace(STEP_DURATION, '');
}
