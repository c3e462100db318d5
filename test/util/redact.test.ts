// Redaction finds a secret however the output wrapped it: split by LF, by CRLF, by a line break and
// the `     | ` gutter of PowerShell's ConciseView error display (with or without its colours), at
// any character, and at a space the wrap swallowed, as real pwsh prints it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact, secretValues } from '../../src/util/redact.js';

const SECRET = 'eyJ0eXAiOiJKV1Qi.sUp3r-s3cret+value/(1)';

describe('redact', () => {
  it('replaces a secret on one line', () => {
    expect(redact(`token ${SECRET} rejected`, [SECRET])).toBe('token *** rejected');
    expect(redact(`${SECRET}${SECRET}`, [SECRET])).toBe('******');
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
    ['LF and the ConciseView gutter', '\n     | '],
    ['CRLF and the ConciseView gutter', '\r\n     | '],
  ])('finds a secret split by %s, anywhere in it', (_name, wrap) => {
    for (let at = 1; at < SECRET.length; at++) {
      const text = `Connect failed: token ${SECRET.slice(0, at)}${wrap}${SECRET.slice(at)} rejected`;
      const out = redact(text, [SECRET]);
      expect(out, `split at ${at}`).toBe(`Connect failed: token ***${wrap}*** rejected`);
    }
  });

  it('finds a secret split over several lines, with the colours pwsh writes around the gutter', () => {
    const gutter = '\u001b[0m\n\u001b[31;1m\u001b[0m\u001b[36;1m\u001b[36;1m\u001b[0m\u001b[36;1m     | \u001b[31;1m';
    const text = `\u001b[36;1m     | \u001b[31;1mtoken ${SECRET.slice(0, 10)}${gutter}${SECRET.slice(10, 25)}${gutter}${SECRET.slice(25)} rejected\u001b[0m`;
    const out = redact(text, [SECRET]);
    expect(out).toBe(`\u001b[36;1m     | \u001b[31;1mtoken ***${gutter}***${gutter}*** rejected\u001b[0m`);
  });

  it('finds a secret with spaces wrapped at a space the wrap swallowed', () => {
    const passphrase = 'correct horse battery staple';
    expect(redact('password correct horse\n     | battery staple was rejected', [passphrase])).toBe('password ***\n     | *** was rejected');
  });

  it('leaves alone what is not the secret: a prefix on one line and other text on the next, gutters, other text', () => {
    const text = `token ${SECRET.slice(0, 12)}\n     | something else\nLine |\n   2 | throw`;
    expect(redact(text, [SECRET])).toBe(text);
  });

  it('replaces every secret, the longest first', () => {
    const inner = 'abcd1234';
    expect(redact(`x ${inner}-outer y ${inner} z`, [inner, `${inner}-outer`])).toBe('x *** y *** z');
  });

  it('only secrets of four characters or more come from the environment', () => {
    expect(secretValues({ A: 'abc', B: 'abcd', C: undefined }, ['A', 'B', 'C'])).toEqual(['abcd']);
  });
});

const PWSH = new URL('../../.tools/pwsh', import.meta.url).pathname;

describe.skipIf(!existsSync(PWSH))('redact against real pwsh output', () => {
  it('removes every piece of a passphrase pwsh wrapped across the lines of its error display', () => {
    const passphrase = 'correct horse battery staple is a passphrase long enough to wrap across the console width of any terminal';
    const dir = mkdtempSync(join(tmpdir(), 'exo-redact-'));
    try {
      const script = join(dir, 'fail.ps1');
      writeFileSync(script, 'throw "Connect-ExchangeOnline failed: the certificate password $env:EXO_TEST_PASSPHRASE was rejected by the service"\n');
      let stderr = '';
      try {
        execFileSync(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', script], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', EXO_TEST_PASSPHRASE: passphrase }, stdio: 'pipe', encoding: 'utf8' });
      } catch (error) {
        stderr = String((error as { stderr?: string }).stderr ?? '');
      }
      // pwsh wrapped it: the passphrase is on no line whole.
      expect(stderr).toContain('     | ');
      expect(stderr).not.toContain(passphrase);
      expect(stderr).toContain('horse');
      const out = redact(stderr, [passphrase]);
      for (const word of passphrase.split(' ').filter((w) => w.length > 3)) expect(out).not.toContain(word);
      expect(out).toContain('was rejected by the service');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
