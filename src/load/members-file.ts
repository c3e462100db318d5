// A scope group's membership can run to thousands of addresses; membersFile keeps them in a CSV beside
// the YAML. Parsing is pure: text in, addresses with their line and column out.

import { finding, type Finding } from '../model/finding.js';
import type { ScopeMember } from '../model/desired.js';

export const SMTP_ADDRESS = /^[^\s@]+@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Header names Microsoft's migration CSVs use for the address column. */
const HEADERS = new Set(['emailaddress', 'primarysmtpaddress', 'address', 'email']);

export function parseMembersFile(file: string, text: string): { members: ScopeMember[]; findings: Finding[] } {
  const members: ScopeMember[] = [];
  const findings: Finding[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const indent = raw.length - raw.trimStart().length;
    // The address is the first column; further columns (names, notes) are allowed and ignored.
    const cell = raw.trim().split(',')[0]!.trim().replace(/^"(.*)"$/, '$1').trim();
    if (cell === '' || cell.startsWith('#')) return;
    const location = { file, line: index + 1, column: indent + 1 };
    if (members.length === 0 && HEADERS.has(cell.toLowerCase())) return;
    if (!SMTP_ADDRESS.test(cell)) {
      findings.push(finding('InvalidMemberAddress', `${JSON.stringify(cell)} is not an SMTP address`, { location }));
      return;
    }
    members.push({ address: cell, location });
  });
  return { members, findings };
}
