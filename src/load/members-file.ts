// A scope group's membership can run to thousands of addresses; membersFile keeps them in a CSV beside
// the YAML. Parsing is pure: text in, addresses with their line and column out.

import { finding, type Finding } from '../model/finding.js';
import type { ScopeMember } from '../model/desired.js';

export const SMTP_ADDRESS = /^[^\s@]+@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

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
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const indent = raw.length - raw.trimStart().length;
    // The address is the first column; further columns (names, notes) are allowed and ignored.
    const cell = raw.trim().split(',')[0]!.trim().replace(/^"(.*)"$/, '$1').trim();
    if (cell === '' || cell.startsWith('#')) return;
    const location = { file, line: index + 1, column: indent + 1 };
    if (members.length === 0 && HEADERS.has(cell.toLowerCase())) return;
    if (!SMTP_ADDRESS.test(cell)) {
      if (findings.length >= MAX_REPORTED_LINES) {
        unreported++;
        firstUnreported ??= location;
        return;
      }
      // Only the start of the line: findings reach pull-request comments, and a bad line may hold anything.
      const echo = cell.length > MAX_ECHO ? `${cell.slice(0, MAX_ECHO)}…` : cell;
      findings.push(finding('InvalidMemberAddress', `${JSON.stringify(echo)} is not an SMTP address`, { location }));
      return;
    }
    members.push({ address: cell, location });
  });
  if (unreported > 0) {
    findings.push(finding('InvalidMemberAddress', `${unreported} more line(s) are not SMTP addresses either`, { location: firstUnreported! }));
  }
  return { members, findings };
}
