// A cmdlet call as a host hands it to the engine: bound parameters by canonical name, already
// transformed to their declared types (binder.ts, coerce).

/** A value for a multi-valued parameter given as @{Add=...; Remove=...}. */
export interface MultiValuedChange {
  add: unknown[];
  remove: unknown[];
}

export function isMultiValuedChange(value: unknown): value is MultiValuedChange {
  return typeof value === 'object' && value !== null && 'add' in value && 'remove' in value && !Array.isArray(value);
}

export interface BoundCommand {
  cmdlet: string;
  parameterSet: string;
  /** Canonical parameter name to coerced value. */
  values: Map<string, unknown>;
  /** Canonical names in the order they were given (for "the first attribute" errors). */
  order: string[];
  errorAction: string | null;
}

