// membersFile must not become a way to read (and post to a pull request) files outside the repository.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateDirectory } from '../../src/validate/validate.js';

const example = new URL('../../examples/contoso-northwind/', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function repoWithMembersFile(make: (path: string, root: string) => void): ReturnType<typeof validateDirectory> {
  const root = mkdtempSync(join(tmpdir(), 'exo-members-'));
  dirs.push(root);
  cpSync(example, root, { recursive: true });
  const path = join(root, 'contoso', 'scope-members.csv');
  rmSync(path);
  make(path, root);
  return validateDirectory(root, { cwd: root });
}

describe('membersFile', () => {
  it.each([
    ['a link to a file outside', (path: string) => symlinkSync('/etc/hostname', path), 'links outside the config directory'],
    ['a link to the process environment', (path: string) => symlinkSync('/proc/self/environ', path), 'links outside the config directory'],
    ['a directory', (path: string) => mkdirSync(path), 'is not a regular file'],
    ['a binary file', (path: string) => writeFileSync(path, Buffer.from([0x61, 0x00, 0x62])), 'is not a text file'],
  ])('refuses %s without echoing its content', (_name, make, message) => {
    const result = repoWithMembersFile(make);
    const members = result.findings.filter((f) => f.code === 'MembersFileUnreadable');
    expect(members).toHaveLength(1);
    expect(members[0]!.message).toContain(message);
    expect(members[0]!.location).toEqual({ file: 'contoso/migration.yaml', line: 9, column: 16 });
    expect(result.findings.some((f) => f.code === 'InvalidMemberAddress')).toBe(false);
  });

  it('follows a link that stays inside the repository', () => {
    const result = repoWithMembersFile((path, root) => {
      mkdirSync(join(root, 'lists'));
      writeFileSync(join(root, 'lists', 'wave1.csv'), 'Lara.Newton@contoso.com\nBianca.Pisani@contoso.com\nMegan.Bowen@contoso.com\nAdele.Vance@contoso.com\nDiego.Siciliani@contoso.com\nIsaiah.Langer@contoso.com\n');
      symlinkSync('../lists/wave1.csv', path);
    });
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('reports at most 20 bad lines, each cut short, and counts the rest', () => {
    const result = repoWithMembersFile((path) => writeFileSync(path, Array.from({ length: 50 }, (_, i) => `secret-line-${i}-${'x'.repeat(100)}`).join('\n')));
    const bad = result.findings.filter((f) => f.code === 'InvalidMemberAddress');
    expect(bad).toHaveLength(21);
    expect(bad.slice(0, 20).every((f) => f.message.length < 120)).toBe(true);
    expect(bad[20]).toMatchObject({ message: '30 more line(s) are not SMTP addresses either', location: { file: 'contoso/scope-members.csv', line: 21, column: 1 } });
  });
});
