// Invoke-ExoCall: one Exchange Online cmdlet call, retried when Exchange throttles it (bounded
// exponential backoff with full jitter) and never otherwise. Shared by the export and apply scripts.

import { psArray } from './literal.js';

/**
 * Substrings of Exchange Online's throttling errors (the simulator's copy the second). "Micro delay
 * applied" is not one of them: Exchange prints it as a WARNING and the call succeeds (Microsoft
 * support article 2881759, "Micro delay applied" warning or delays occur in Exchange Online).
 */
const THROTTLING_PATTERNS = ['*throttl*', '*exceeded the maximum number of requests*', '*too many requests*', '*Server Busy*'];

export interface RetrySettings {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Backoff before attempt n+1: a random wait up to min(maxDelayMs, baseDelayMs * 2^(n-1)). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 6, baseDelayMs: 2000, maxDelayMs: 60_000 };

export function retryFunction(settings: RetrySettings): string {
  return `$ExoMaxAttempts = ${settings.maxAttempts}
$ExoBaseDelayMs = ${settings.baseDelayMs}
$ExoMaxDelayMs = ${settings.maxDelayMs}
$ExoThrottled = ${psArray(THROTTLING_PATTERNS)}

# One cmdlet call, returning its output. Throttling is retried with exponential backoff and full
# jitter; a message matching -DoneWhen means the change is already made; any other error is thrown.
function Invoke-ExoCall {
  param([scriptblock]$Call, [string]$DoneWhen = '')
  $attempt = 0
  while ($true) {
    $attempt++
    try {
      return (& $Call)
    } catch {
      $message = $_.Exception.Message
      if ($DoneWhen -ne '' -and $message -like $DoneWhen) { return }
      $throttled = $false
      foreach ($pattern in $ExoThrottled) { if ($message -like $pattern) { $throttled = $true } }
      if (-not $throttled -or $attempt -ge $ExoMaxAttempts) { throw }
      $ceiling = [Math]::Min($ExoMaxDelayMs, $ExoBaseDelayMs * [Math]::Pow(2, $attempt - 1))
      Start-Sleep -Milliseconds (Get-Random -Minimum 0 -Maximum ([int]$ceiling + 1))
    }
  }
}`;
}
