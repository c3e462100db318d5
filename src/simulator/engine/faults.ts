// Fault injection and metrics, configured by environment variables (see README.md):
// EXO_SIM_LATENCY_MS, EXO_SIM_THROTTLE_EVERY, EXO_SIM_THROTTLE_BUDGET, EXO_SIM_FAIL, EXO_SIM_METRICS.
import { readFileSync } from 'node:fs';
import { withFileLockSync, writeFileAtomicSync } from '../../util/atomic-write.js';
import { CmdletError, ErrorRecord, exchangeExceptionType } from '../errors.js';

/** The stable substring by which callers recognise a simulated throttling error. */
const THROTTLING_MARKER = 'Exceeded the maximum number of requests';

interface FailRule {
  cmdlet: string;
  identity: string | null;
  /** Fail only the k-th matching call (1-based); every matching call when null. */
  occurrence: number | null;
  seen: number;
}

export interface FaultConfig {
  latencyMs: number;
  throttleEvery: number;
  throttleBudget: { requests: number; windowMs: number } | null;
  failRules: FailRule[];
  metricsFile: string | null;
}

export function parseFaultConfig(env: Record<string, string | undefined>): FaultConfig {
  const latencyMs = Number(env['EXO_SIM_LATENCY_MS'] ?? 0);
  const throttleEvery = Number(env['EXO_SIM_THROTTLE_EVERY'] ?? 0);
  let throttleBudget: FaultConfig['throttleBudget'] = null;
  const budget = env['EXO_SIM_THROTTLE_BUDGET'];
  if (budget) {
    const match = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(budget);
    if (!match) throw new Error(`EXO_SIM_THROTTLE_BUDGET must look like 20/10s (requests/window); got '${budget}'.`);
    const unit = (match[3] ?? 's').toLowerCase();
    const windowMs = Number(match[2]) * (unit === 'ms' ? 1 : unit === 'm' ? 60000 : 1000);
    throttleBudget = { requests: Number(match[1]), windowMs };
  }
  const failRules: FailRule[] = [];
  for (const spec of (env['EXO_SIM_FAIL'] ?? '').split(/[;,]/).map((part) => part.trim()).filter(Boolean)) {
    const match = /^([A-Za-z]+-[A-Za-z]+)(?::([^#]+))?(?:#(\d+))?$/.exec(spec);
    if (!match) throw new Error(`EXO_SIM_FAIL entries look like Cmdlet, Cmdlet:identity, Cmdlet#k or Cmdlet:identity#k; got '${spec}'.`);
    failRules.push({ cmdlet: match[1]!.toLowerCase(), identity: match[2]?.trim().toLowerCase() ?? null, occurrence: match[3] ? Number(match[3]) : null, seen: 0 });
  }
  return {
    latencyMs: Number.isFinite(latencyMs) ? Math.max(0, latencyMs) : 0,
    throttleEvery: Number.isFinite(throttleEvery) ? Math.max(0, Math.trunc(throttleEvery)) : 0,
    throttleBudget,
    failRules,
    metricsFile: env['EXO_SIM_METRICS'] || null,
  };
}

interface MetricsDelta {
  calls: Record<string, number>;
  throttled: Record<string, number>;
  injectedFailures: Record<string, number>;
  errors: Record<string, number>;
  credentials: Record<string, { set: number; lastSetAt: string }>;
}

function emptyDelta(): MetricsDelta {
  return { calls: {}, throttled: {}, injectedFailures: {}, errors: {}, credentials: {} };
}

export class Faults {
  private callNumber = 0;
  private readonly acceptedAt: number[] = [];
  private delta = emptyDelta();
  private deltaDirty = false;

  constructor(
    readonly config: FaultConfig,
    private readonly sleep: (milliseconds: number) => void,
  ) {}

  /** Called before an Exchange cmdlet runs: latency, throttling, injected failures. Throws CmdletError to fail the call. */
  beforeCall(cmdlet: string, identity: string | null): void {
    this.count(this.delta.calls, cmdlet);
    if (this.config.latencyMs > 0) this.sleep(this.config.latencyMs);
    this.callNumber++;
    if (this.config.throttleEvery > 0 && this.callNumber % this.config.throttleEvery === 0) {
      this.count(this.delta.throttled, cmdlet);
      throw throttlingError(cmdlet, `every ${this.config.throttleEvery} requests`, 1);
    }
    // The budget counts Exchange cmdlets run in the service. Connect is no request against it: sign-in is
    // Entra ID's, and Exchange keeps sessions on a budget of their own (its budget snapshot shows
    // "ExchangeCmdletsLeft: 185/200" apart from "RunSpacesRemaining: 20/20": Exchange Team Blog,
    // "Running PowerShell cmdlets for large numbers of users in Office 365"). Disconnect never was.
    const budget = cmdlet === 'Connect-ExchangeOnline' ? null : this.config.throttleBudget;
    if (budget) {
      const now = Date.now();
      while (this.acceptedAt.length > 0 && now - this.acceptedAt[0]! >= budget.windowMs) this.acceptedAt.shift();
      if (this.acceptedAt.length >= budget.requests) {
        this.count(this.delta.throttled, cmdlet);
        const retryAfterSeconds = Math.max(1, Math.ceil((budget.windowMs - (now - this.acceptedAt[0]!)) / 1000));
        throw throttlingError(cmdlet, `${budget.requests} requests per ${budget.windowMs / 1000}s`, retryAfterSeconds);
      }
      this.acceptedAt.push(now);
    }
    const lowerCmdlet = cmdlet.toLowerCase();
    for (const rule of this.config.failRules) {
      if (rule.cmdlet !== lowerCmdlet) continue;
      if (rule.identity !== null && rule.identity !== (identity ?? '').toLowerCase()) continue;
      rule.seen++;
      if (rule.occurrence !== null && rule.seen !== rule.occurrence) continue;
      this.count(this.delta.injectedFailures, cmdlet);
      throw new CmdletError(
        new ErrorRecord(`Simulated failure of ${cmdlet}${identity ? ` for '${identity}'` : ''} (EXO_SIM_FAIL).`, {
          reason: 'SimulatedFailureException',
          exceptionType: exchangeExceptionType('SimulatedFailureException'),
          category: 'NotSpecified',
          fullyQualifiedErrorId: `[FailureCategory=Cmdlet-SimulatedFailureException] SimulatedFailure,${cmdlet}`,
          targetObject: identity,
        }),
      );
    }
  }

  /** Counts a call that no fault applies to (Disconnect-ExchangeOnline). */
  countCall(cmdlet: string): void {
    this.count(this.delta.calls, cmdlet);
  }

  recordError(cmdlet: string): void {
    this.count(this.delta.errors, cmdlet);
  }

  /** Records that a migration endpoint's credentials were sent (never the secret itself). */
  recordCredentials(key: string): void {
    const entry = (this.delta.credentials[key] ??= { set: 0, lastSetAt: '' });
    entry.set++;
    entry.lastSetAt = new Date().toISOString();
    this.deltaDirty = true;
  }

  private count(bucket: Record<string, number>, key: string): void {
    bucket[key] = (bucket[key] ?? 0) + 1;
    this.deltaDirty = true;
  }

  /** Adds this run's counts to the metrics file, under a lock: the two tenants' exports flush in parallel. */
  flushMetrics(): void {
    const file = this.config.metricsFile;
    if (!file || !this.deltaDirty) return;
    withFileLockSync(file, () => {
      let existing: MetricsDelta & { runs?: number; peakRssMiB?: number } = emptyDelta();
      try {
        existing = { ...emptyDelta(), ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<MetricsDelta>) };
      } catch {
        // No metrics yet, or unreadable: start over.
      }
      for (const bucket of ['calls', 'throttled', 'injectedFailures', 'errors'] as const) {
        for (const [key, value] of Object.entries(this.delta[bucket])) existing[bucket][key] = (existing[bucket][key] ?? 0) + value;
      }
      for (const [key, value] of Object.entries(this.delta.credentials)) {
        const target = (existing.credentials[key] ??= { set: 0, lastSetAt: '' });
        target.set += value.set;
        target.lastSetAt = value.lastSetAt;
      }
      const totalCalls = Object.values(existing.calls).reduce((sum, value) => sum + value, 0);
      // The largest peak resident memory of the processes that ran the engine (benchmarks read it:
      // the CLI passes PowerShell no NODE_OPTIONS, so nothing can be loaded into the simulator to measure it).
      const peakRssMiB = Math.max(existing.peakRssMiB ?? 0, Math.round(process.resourceUsage().maxRSS / 1024));
      writeFileAtomicSync(file, `${JSON.stringify({ ...existing, totalCalls, peakRssMiB }, null, 2)}\n`);
    });
    this.delta = emptyDelta();
    this.deltaDirty = false;
  }
}

function throttlingError(cmdlet: string, policy: string, retryAfterSeconds: number): CmdletError {
  return new CmdletError(
    new ErrorRecord(
      `The request was throttled: ${THROTTLING_MARKER} allowed by the throttling budget (${policy}). Micro delay applied. Retry after ${retryAfterSeconds} seconds.`,
      {
        reason: 'ThrottlingException',
        exceptionType: exchangeExceptionType('ThrottlingException'),
        category: 'LimitsExceeded',
        fullyQualifiedErrorId: `[FailureCategory=Cmdlet-ThrottlingException] Throttled,${cmdlet}`,
      },
    ),
  );
}
