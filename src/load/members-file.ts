// A scope group's membership can run to thousands of addresses; membersFile keeps them in a CSV beside
// the YAML. Parsing is pure: text in, addresses with their line and column out.
//
// The format: one address per line, in the first column (further columns are ignored; a cell may be
// "quoted"); an optional header (EmailAddress, PrimarySmtpAddress, Address or Email) before the first
// address; blank lines; and comments, which are lines starting with # in column 1 (an indented # is
// an error, not a comment: "#x@contoso.com" is a valid address, and a cell is never half a comment).
// Lines obey the rules of YAML `members`: no control characters, an SMTP address whose local part is
// at most 64 characters and which is at most 254 in all. Line breaks are LF, CRLF or CR.

import { finding, type Finding } from '../model/finding.js';
import type { ScopeMember } from '../model/desired.js';
import { addressLengthProblem, codePointOf, controlCharacterIn } from './text-rules.js';

const SMTP_ADDRESS = /^[^\s@]+@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Header names Microsoft's migration CSVs use for the address column. */
const HEADERS = new Set(['emailaddress', 'primarysmtpaddress', 'address', 'email']);

/** Bad lines reported one by one; beyond this, one finding counts the rest (the lines may be anything). */
const MAX_REPORTED_LINES = 20;
const MAX_ECHO = 60;

export function parseMembersFile(file: string, text: string): { members: ScopeMember[]; findings: Finding[] } {
  const members: ScopeMember[] = [];
  const findings: Finding[] = [];
  let unreported = 0;
  let firstUnreported: ScopeMember['location'] | undefined;
  const report = (code: 'InvalidMemberAddress' | 'ControlCharacter', message: string, location: ScopeMember['location']): void => {
    if (findings.length >= MAX_REPORTED_LINES) {
      unreported++;
      firstUnreported ??= location;
      return;
    }
    findings.push(finding(code, message, { location }));
  };
  // Only the start of a cell: findings reach pull-request comments, and a bad line may hold anything.
  const echo = (cell: string): string => JSON.stringify(cell.length > MAX_ECHO ? `${cell.slice(0, MAX_ECHO)}…` : cell);

  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!;
    if (raw.startsWith('#')) continue; // a comment: # in column 1, and only there
    const line = index + 1;
    // Before trimming: trim() would quietly drop a vertical tab or form feed at either end.
    const control = controlCharacterIn(raw);
    if (control) {
      report('ControlCharacter', `line ${line} contains the control character ${codePointOf(control.character)}`, { file, line, column: control.index + 1 });
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    // The address is the first column; further columns (names, notes) are allowed and ignored.
    const cell = raw.trim().split(',')[0]!.trim().replace(/^"(.*)"$/, '$1').trim();
    if (cell === '') continue;
    const location = { file, line, column: indent + 1 };
    if (members.length === 0 && HEADERS.has(cell.toLowerCase())) continue;
    if (!SMTP_ADDRESS.test(cell)) {
      const comment = cell.startsWith('#') || /\s#/.test(cell) ? ': a comment is a line starting with # in column 1' : '';
      report('InvalidMemberAddress', `${echo(cell)} is not an SMTP address${comment}`, location);
      continue;
    }
    const tooLong = addressLengthProblem(cell);
    if (tooLong) {
      report('InvalidMemberAddress', `${echo(cell)} ${tooLong}`, location);
      continue;
    }
    members.push({ address: cell, location });
  }
  if (unreported > 0) {
    findings.push(finding('InvalidMemberAddress', `${unreported} more line(s) are not SMTP addresses either`, { location: firstUnreported! }));
  }
  return { members, findings };
}
