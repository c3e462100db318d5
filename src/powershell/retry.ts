// Invoke-ExoCall: one Exchange Online cmdlet call, paced to Exchange's request budget, and retried when
// Exchange throttles it anyway (bounded exponential backoff with full jitter) and never otherwise.
// Shared by the export and apply scripts.
//
// Pacing: a token bucket of `requests` tokens, each spent token coming back `window` after the request
// that spent it ended. That is a sliding window of the last `requests` call times: the script sends no
// request that would make more than `requests` in any `window`, so it keeps to a budget Exchange
// counts as a sliding window (the simulator's EXO_SIM_THROTTLE_BUDGET) and to one it counts as a
// recharging balance alike, with the first `requests` calls sent at once. A request's token is taken
// back when it ends, not when it starts: the service counts it somewhere in between. Connect and
// Disconnect are not paced: they are no Exchange cmdlet run in the service (sign-in is Entra ID's),
// and Exchange's budget counts cmdlets (its budget snapshot reads "ExchangeCmdletsLeft: 185/200",
// apart from the sessions' own "RunSpacesRemaining": Exchange Team Blog, "Running PowerShell cmdlets
// for large numbers of users in Office 365", 2015, updated 2019).

import { psArray } from './literal.js';

/**
 * Substrings of Exchange Online's throttling errors (the simulator's copy the second). "Micro delay
 * applied" is not one of them: Exchange prints it as a WARNING and the call succeeds (Microsoft
 * support article 2881759, "Micro delay applied" warning or delays occur in Exchange Online).
 */
const THROTTLING_PATTERNS = ['*throttl*', '*exceeded the maximum number of requests*', '*too many requests*', '*Server Busy*'];

/** At most `requests` Exchange requests in any `windowMs` milliseconds. */
export interface RequestBudget {
  requests: number;
  windowMs: number;
}

/** Exchange Online's budget for one app in one tenant, as issue 17 measured it: 20 requests per 10 s. */
export const DEFAULT_REQUEST_BUDGET: RequestBudget = { requests: 20, windowMs: 10_000 };

/** The longest window and the most requests a budget may name (a day; a million). */
const MAX_WINDOW_MS = 86_400_000;
const MAX_REQUESTS = 1_000_000;

/**
 * `20/10s` (requests per window; the window in ms, s or m, seconds when no unit is given), or `off`
 * (or `none`, `0`) for no pacing (null). Throws a RangeError saying what is expected.
 */
export function parseRequestBudget(text: string): RequestBudget | null {
  const trimmed = text.trim();
  if (/^(off|none|0)$/i.test(trimmed)) return null;
  const match = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i.exec(trimmed);
  const expected = `a request budget looks like 20/10s (requests per window, the window in ms, s or m) or off; got ${JSON.stringify(text)}`;
  if (!match) throw new RangeError(expected);
  const unit = (match[3] ?? 's').toLowerCase();
  const requests = Number(match[1]);
  const windowMs = Math.round(Number(match[2]) * (unit === 'ms' ? 1 : unit === 'm' ? 60_000 : 1000));
  if (requests < 1 || requests > MAX_REQUESTS || windowMs < 1 || windowMs > MAX_WINDOW_MS) throw new RangeError(`${expected}: at least 1 request and 1 ms, at most ${MAX_REQUESTS} requests and a day`);
  return { requests, windowMs };
}

/** The budget as parseRequestBudget reads it back: `20/10s`, `100/1500ms`, `off`. */
export function formatRequestBudget(budget: RequestBudget | null): string {
  if (budget === null) return 'off';
  return budget.windowMs % 1000 === 0 ? `${budget.requests}/${budget.windowMs / 1000}s` : `${budget.requests}/${budget.windowMs}ms`;
}

export interface RetrySettings {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Backoff before attempt n+1: a random wait up to min(maxDelayMs, baseDelayMs * 2^(n-1)). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The request budget calls are paced to; null: not paced (throttling is still retried). */
  budget: RequestBudget | null;
}

export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 6, baseDelayMs: 2000, maxDelayMs: 60_000, budget: DEFAULT_REQUEST_BUDGET };

/** A whole number for the script, or a RangeError: the settings are numbers, never text, in the script. */
function whole(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number, got ${value}`);
  return value;
}

export function retryFunction(settings: RetrySettings): string {
  const budget = settings.budget;
  const requests = budget ? whole(budget.requests, 'budget requests') : 0;
  const windowMs = budget ? whole(budget.windowMs, 'budget window') : 0;
  return `$ExoMaxAttempts = ${whole(settings.maxAttempts, 'maxAttempts')}
$ExoBaseDelayMs = ${whole(settings.baseDelayMs, 'baseDelayMs')}
$ExoMaxDelayMs = ${whole(settings.maxDelayMs, 'maxDelayMs')}
$ExoThrottled = ${psArray(THROTTLING_PATTERNS)}
# Exchange's request budget: at most Requests requests in any WindowMs milliseconds (Requests 0: not
# paced). A token bucket of Requests tokens, taken in turn; Spent says when the request that last took
# each token ended (ms), and the token is back a window after that.
$ExoBudget = @{ Requests = ${requests}; WindowMs = ${windowMs}; Next = 0; Spent = @{} }

# One cmdlet call, returning its output, sent once the budget has a token for it. Throttling is
# retried with exponential backoff and full jitter; a message matching -DoneWhen means the change is
# already made; any other error is thrown. Every attempt takes a token, whatever its outcome.
function Invoke-ExoCall {
  param([scriptblock]$Call, [string]$DoneWhen = '')
  $attempt = 0
  while ($true) {
    $attempt++
    $token = $ExoBudget.Next
    if ($ExoBudget.Requests -ge 1) {
      $ExoBudget.Next = $token + 1
      if ($ExoBudget.Next -ge $ExoBudget.Requests) { $ExoBudget.Next = 0 }
      if ($ExoBudget.Spent.ContainsKey($token)) {
        $wait = $ExoBudget.Spent[$token] + $ExoBudget.WindowMs - [datetime]::UtcNow.Ticks / 10000
        if ($wait -ge 0) { Start-Sleep -Milliseconds ([int]$wait + 1) }
      }
    }
    $backoff = 0
    try {
      return (& $Call)
    } catch {
      $message = $_.Exception.Message
      if ($DoneWhen -ne '' -and $message -like $DoneWhen) { return }
      $throttled = $false
      foreach ($pattern in $ExoThrottled) { if ($message -like $pattern) { $throttled = $true } }
      if (-not $throttled -or $attempt -ge $ExoMaxAttempts) { throw }
      $ceiling = [Math]::Min($ExoMaxDelayMs, $ExoBaseDelayMs * [Math]::Pow(2, $attempt - 1))
      $backoff = Get-Random -Minimum 0 -Maximum ([int]$ceiling + 1)
    } finally {
      if ($ExoBudget.Requests -ge 1) { $ExoBudget.Spent[$token] = [datetime]::UtcNow.Ticks / 10000 }
    }
    Start-Sleep -Milliseconds $backoff
  }
}`;
}
