// Secrets come from the environment; before any process output is shown or stored, every value of a
// variable the configuration names as secret is replaced, so a token echoed by a module's error
// message never reaches a log, a plan or a pull-request comment.

export function secretValues(env: NodeJS.ProcessEnv, names: readonly string[]): string[] {
  return names.map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}
