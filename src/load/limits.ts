// Limits on what the loader reads, checked before any parser sees the text: a repository is input
// from pull requests, and a parser fed 20 MB of `[` or a file of gigabytes runs for minutes and dies
// out of memory instead of saying what is wrong. Each limit is far above any real configuration
// (the 100,000-mail-user benchmark writes files of 3 MB and a members file of 3 MB).

/** Bytes one YAML file may hold (FileTooLarge). */
export const MAX_YAML_FILE_BYTES = 16 * 1024 * 1024;

/** Bytes one membersFile may hold (FileTooLarge): about a million addresses. */
export const MAX_MEMBERS_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Levels of nested collections (block or flow: mappings and sequences) one YAML document may have
 * (YamlNestingLimit). A resource needs four or five; the parsers recurse once per level.
 */
export const MAX_NESTING_DEPTH = 64;

/** The longest local part (before the @) of an SMTP address: RFC 5321, 4.5.3.1.1. */
export const MAX_LOCAL_PART_LENGTH = 64;

/** The longest SMTP address (RFC 5321's 256-octet path less its angle brackets). */
export const MAX_ADDRESS_LENGTH = 254;

const MIB = 1024 * 1024;

/** "20.0 MiB", for messages about sizes. */
export function formatMiB(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

/** "16 MiB", for messages about limits. */
export function formatLimit(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB} MiB` : formatMiB(bytes);
}
