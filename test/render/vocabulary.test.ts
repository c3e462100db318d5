// One vocabulary in every view of a plan: + create, ~ update, - delete, -/+ replace, ! blocked; value
// lines with their own sign (in column 0 in markdown, for GitHub's colours); each object once; a
// create shows values; a replace shows what changes and what forces it; a legend and what merging does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { planAction, type Plan } from '../../src/model/plan.js';
import { planToJson } from '../../src/plan/plan-file.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { LEGEND } from '../../src/render/values.js';
import { colorOutput } from '../../src/settings/environment.js';
import { baseFiles, planFor, snapshots } from '../plan/fixtures.js';
import { syntheticPlan } from './synthetic.js';

const root = new URL('../../', import.meta.url).pathname;
const example = join(root, 'examples/contoso-northwind');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Headlines: a symbol, one space, then the kind (a value line has more spaces after its sign). */
const HEADLINE = /^ *((?:[-+~!]|-\/\+)) ([A-Z][A-Za-z]+ .*)$/;

function headlines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => HEADLINE.exec(line.replace(/ {2}\S+\.yaml:\d+:\d+$/, '')))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]} ${m[2]}`);
}

function diffBlocks(md: string): string[] {
  return [...md.matchAll(/```diff\n([\s\S]*?)\n```/g)].flatMap((m) => m[1]!.split('\n'));
}

describe('the same symbols in the terminal and on GitHub', () => {
  it('every object has one headline with the same symbol in both views, and blocked alone uses !', () => {
    const plan = syntheticPlan();
    const text = renderPlanText(plan, { color: false });
    const md = renderPlanMarkdown(plan);
    const inText = headlines(text.split('\nFindings:')[0]!);
    const inMarkdown = diffBlocks(md).map((l) => HEADLINE.exec(l)).filter((m) => m !== null).map((m) => `${m![1]} ${m![2]}`);
    expect(inMarkdown.sort()).toEqual([...inText].sort());
    const symbols = new Map(inText.map((h) => [h.split(' ').slice(1, 3).join(' '), h.split(' ')[0]]));
    expect(symbols.get('MigrationEndpoint Contoso-T2T')).toBe('-/+');
    expect(symbols.get('OrganizationRelationship Contoso')).toBe('+');
    expect(symbols.get('OrganizationRelationship Old')).toBe('-');
    expect(symbols.get('MailUser LaraN')).toBe('~');
    expect(symbols.get('MailUser DiegoS')).toBe('!');
    // The group T2T takes an addition and a blocked removal: one object, one headline, an update (the removal never runs: nothing destructive).
    expect(inText.filter((h) => h.includes('DistributionGroup T2T'))).toEqual(['~ DistributionGroup T2T']);
    expect(text).toContain(LEGEND);
    expect(md).toContain(LEGEND);
  });

  it('markdown value lines carry + or - in column 0, so GitHub colours an addition green and a removal red', () => {
    const lines = diffBlocks(renderPlanMarkdown(syntheticPlan())).filter((l) => !HEADLINE.test(l));
    expect(lines).toContain('+       EmailAddresses: "X500:/o=First Organization/cn=Lara"');
    expect(lines).toContain('-       EmailAddresses: "smtp:old|pipe@northwindtraders.com"');
    // A changed value is its old line, then its new one.
    const at = lines.indexOf('-       IsExchangeCloudManaged: false');
    expect(lines[at + 1]).toBe('+       IsExchangeCloudManaged: true');
    // A blocked action's values never apply: uncoloured, under its reason.
    expect(lines).toContain('        blocked: the object is synchronized from your on-premises organization: make this change in on-premises AD');
    expect(lines).toContain('        Members: - "Alex.Wilber@contoso.com"');
    for (const line of lines) expect(line).toMatch(/^(?:[-+] {7}| {8})\S/);
  });

  it('a secret change reads as one in every view, and no view prints undefined', () => {
    const plan = syntheticPlan();
    const md = renderPlanMarkdown(plan);
    const text = renderPlanText(plan, { color: false });
    expect(md).toContain('-       Credentials: (sensitive value)\n+       Credentials: (sensitive value, sent from the environment)  (from rotation "2026-10-01" → "2026-11-01")');
    expect(text).toContain('~ Credentials: (sensitive value, sent from the environment)  (from rotation "2026-10-01" → "2026-11-01")');
    for (const view of [md, text]) expect(view).not.toMatch(/\bundefined\b/);
  });

  it('many blocked changes neither hide an error nor the changes in a comment cut at GitHub\'s limit', () => {
    const plan = syntheticPlan();
    const reason = 'the object is synchronized from your on-premises organization: make this change in on-premises AD';
    const blocked = Array.from({ length: 400 }, (_, i) => ({ code: 'BlockedChange' as const, severity: 'warning' as const, message: `northwind/MailUser/U${i} is blocked: ${reason}`, hint: 'x'.repeat(300), tenant: 'northwind', kind: 'MailUser', object: `U${i}` }));
    const md = renderPlanMarkdown({ ...plan, findings: [...blocked, ...plan.findings] });
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md).toContain('`ExchangeGuidMismatch`');
    expect(md).toContain('```diff');
    expect(md).toContain(`- ⚠️ warning \`BlockedChange\` ×400 (\`northwind/MailUser/U0\`, \`northwind/MailUser/U1\`, \`northwind/MailUser/U2\`, …): ${reason}`);
    // Errors come first among the findings.
    expect(md.indexOf('`ExchangeGuidMismatch`')).toBeLessThan(md.indexOf('`CloudManagementNoEffect`'));
  });

  it('a blocked action is not a destructive change: not counted, not flagged, not in the warning', () => {
    const md = renderPlanMarkdown(syntheticPlan());
    expect(md).toContain('! User LaraN\n');
    expect(md).not.toContain('clear-previous-mailbox-info');
  });

  it('text value lines carry their sign too: + added, - removed, ~ changed', () => {
    const text = renderPlanText(syntheticPlan(), { color: false });
    expect(text).toContain('      + EmailAddresses: "X500:/o=First Organization/cn=Lara"');
    expect(text).toContain('      - EmailAddresses: "smtp:old|pipe@northwindtraders.com"');
    expect(text).toContain('      ~ IsExchangeCloudManaged: false → true');
  });
});

describe('what each kind of action shows', () => {
  it('a create shows values, never null →, in text, markdown and JSON', () => {
    // A relationship created from nothing: the planner used to give OAuthApplicationId a before of null.
    const files = baseFiles();
    const plan = planFor(files, snapshots((live) => {
      live.contoso.OrganizationRelationship = [];
    }));
    const create = plan.tenants.flatMap((t) => t.actions).find((a) => a.kind === 'OrganizationRelationship' && a.action === 'create')!;
    expect(create).toBeDefined();
    expect(create.changes.every((c) => !('before' in c))).toBe(true);
    expect(JSON.stringify(planToJson(plan))).not.toMatch(/"action":"create"[^}]*"before"/);
    for (const view of [renderPlanText(plan, { color: false }), renderPlanMarkdown(plan)]) expect(view).not.toMatch(/null →/);
    expect(renderPlanText(plan, { color: false })).toContain(`+ OAuthApplicationId: "${create.changes.find((c) => c.field === 'OAuthApplicationId')!.after as string}"`);
  });

  it('a replace lists only what changes, and names the field that forces it', () => {
    const replace = planAction({
      tenant: 'northwind',
      kind: 'MigrationEndpoint',
      identity: 'Contoso-T2T',
      action: 'replace',
      changes: [
        { field: 'RemoteTenant', before: 'fabrikam.onmicrosoft.com', after: 'contoso.onmicrosoft.com', forcesReplacement: true },
        { field: 'RemoteServer', before: 'outlook.office.com', after: 'outlook.office.com' },
        { field: 'MaxConcurrentMigrations', before: 20, after: 50 },
        { field: 'Credentials', sensitive: true },
      ],
      dependsOn: [],
    });
    const plan: Plan = { ...syntheticPlan(), tenants: [{ ...syntheticPlan().tenants[0]!, actions: [replace] }] };
    const text = renderPlanText(plan, { color: false });
    expect(text).toContain('-/+ MigrationEndpoint Contoso-T2T (must be replaced: RemoteTenant changes)  [destructive: delete]');
    expect(text).toContain('~ RemoteTenant: "fabrikam.onmicrosoft.com" → "contoso.onmicrosoft.com"  # forces replacement');
    expect(text).toContain('~ MaxConcurrentMigrations: 20 → 50');
    expect(text).not.toContain('RemoteServer');
    expect(renderPlanMarkdown(plan)).not.toContain('RemoteServer');
    // The plan itself keeps every value: New-MigrationEndpoint is given all of them.
    expect(replace.changes.map((c) => c.field)).toContain('RemoteServer');
  });

  it('the destructive warning names each destructive change and where the YAML asks for it', () => {
    const md = renderPlanMarkdown(syntheticPlan());
    const warning = md.slice(md.indexOf('> [!WARNING]'), md.indexOf('\n\n', md.indexOf('> [!WARNING]')));
    expect(warning).toContain('> - `northwind/MigrationEndpoint/Contoso-T2T` (delete) at `northwind/migration.yaml:3:9`');
    expect(warning).toContain('> - `northwind/MailUser/LaraN` (remove-address, change-guid)');
    // Blocked actions never run: they are not among the changes to approve.
    expect(warning).not.toContain('#remove-members');
  });

  it('says what happens on merge, and that blocked actions never run', () => {
    expect(renderPlanMarkdown(syntheticPlan())).toMatch(/\*\*On merge:\*\* .*each tenant in its own job.*Blocked \(`!`\) actions never run\./);
    expect(renderPlanMarkdown(syntheticPlan(), { onMerge: 'Merging does nothing here.' })).toContain('Merging does nothing here.');
  });
});

describe('colour', () => {
  it('--no-color and NO_COLOR win, FORCE_COLOR forces it, TERM=dumb and a pipe turn it off', () => {
    const settings = { noColor: false, forceColor: false, dumbTerminal: false };
    expect(colorOutput(settings, { noColorFlag: false, isTTY: true })).toBe(true);
    expect(colorOutput(settings, { noColorFlag: false, isTTY: false })).toBe(false);
    expect(colorOutput({ ...settings, dumbTerminal: true }, { noColorFlag: false, isTTY: true })).toBe(false);
    expect(colorOutput({ ...settings, forceColor: true }, { noColorFlag: false, isTTY: false })).toBe(true);
    expect(colorOutput({ ...settings, forceColor: true, noColor: true }, { noColorFlag: false, isTTY: true })).toBe(false);
    expect(colorOutput({ ...settings, forceColor: true }, { noColorFlag: true, isTTY: true })).toBe(false);
  });

  it('reaches the CLI: FORCE_COLOR colours a piped plan, --no-color and FORCE_COLOR=0 do not', async () => {
    const planText = async (args: string[], env: Record<string, string>) => {
      const out: string[] = [];
      await run(['plan', '--dir', example, '--state', join(example, 'state'), ...args], { env, stdout: (l) => out.push(l), stderr: () => undefined });
      return out.join('\n');
    };
    expect(await planText([], { FORCE_COLOR: '1' })).toMatch(/\u001b\[32m\+ MailUser AlexW/);
    expect(await planText(['--no-color'], { FORCE_COLOR: '1' })).not.toMatch(/\u001b\[/);
    expect(await planText([], { FORCE_COLOR: '0' })).not.toMatch(/\u001b\[/);
    expect(await planText([], { FORCE_COLOR: '1', NO_COLOR: '' })).not.toMatch(/\u001b\[/);
  });
});

describe('exo-gitops show', () => {
  async function cli(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const exitCode = await run(args, { env: {}, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
    return { exitCode, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  it('prints a saved plan as plan printed it, in text or markdown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-show-'));
    dirs.push(dir);
    const saved = join(dir, 'plan.json');
    const planned = await cli(['plan', '--dir', example, '--state', join(example, 'state'), '--out', saved]);
    expect(planned.exitCode).toBe(2);
    const shown = await cli(['show', saved]);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toBe(planned.stdout);
    const markdown = await cli(['show', saved, '--format', 'markdown']);
    expect(markdown.stdout).toBe((await cli(['plan', '--dir', example, '--state', join(example, 'state'), '--format', 'markdown'])).stdout);
  });

  it('refuses what is not a plan, clearly, with exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-show-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'cut.json'), readFileSync(join(root, 'package.json'), 'utf8').slice(0, 40));
    const cut = await cli(['show', join(dir, 'cut.json')]);
    expect(cut.exitCode).toBe(1);
    expect(cut.stderr).toContain('is not a plan');
    const missing = await cli(['show', join(dir, 'nothing.json')]);
    expect([missing.exitCode, missing.stderr]).toEqual([1, `show: cannot read ${join(dir, 'nothing.json')}: no such file`]);
  });
});
