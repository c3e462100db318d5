// Which YAML files under the config directory are ours. A repository holds more than exo-gitops
// documents (mkdocs.yml, .pre-commit-config.yaml, docker compose files, CI settings…): a file is read
// as desired state only when it claims to be, and any other file is skipped without a finding, even
// when it does not parse (mkdocs' !!python/name tags, CloudFormation's !Ref, a GitLab CI file whose
// anchors expand past our alias limit).
//
// A file is ours when one of its documents
//   - has an apiVersion that resembles ours (resemblesOurApiVersion), or
//   - has a kind of ours and an apiVersion that names no other API group (none, or `v1alpha1`),
// or, for documents that did not parse (or are not mappings), when the lines of the file say the same:
// a line `apiVersion: <one that resembles ours>`, or a line `kind: <one of ours>` in a file with no
// `apiVersion:` line of another API group. Only lines that start in column 0 (after `---`, `- ` list
// markers or a `{`) count, so an example quoted in an indented block scalar claims nothing.
//
// Once a file is ours every document of it is checked, so a misspelt apiVersion, or a document that
// is not ours in a file that is, is an error at its place; a file none of whose documents claims it
// is someone else's.

import { RESOURCE_KINDS } from '../model/desired.js';
import { editDistance } from '../util/suggest.js';

/** Our API group with its punctuation and case dropped: exo.gitops, exo-gitops and Exo.Gitops all read exogitops. */
const OUR_GROUP = 'exogitops';

/**
 * Whether an apiVersion is ours or a misspelling of ours: its API group (the part before the first
 * /, or all of it), lower-cased and with everything but letters and digits dropped, is at most two
 * edits from exogitops. exo.gitops/v1alpha2, exo.gitop/v1alpha1, exo-gitops/v1alpha1,
 * Exo.Gitops/v1alpha1 and exo.gtiops/v1alpha1 resemble ours; apps/v1, gitops.weave.works/v1alpha1
 * and kustomize.config.k8s.io/v1beta1 do not.
 */
export function resemblesOurApiVersion(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  const group = (slash === -1 ? apiVersion : apiVersion.slice(0, slash)).toLowerCase().replace(/[^a-z0-9]/g, '');
  // Cheap bound first: a group whose length differs by more than two is further than two edits.
  if (Math.abs(group.length - OUR_GROUP.length) > 2) return false;
  return editDistance(group, OUR_GROUP) <= 2;
}

const OUR_KINDS = new Set(RESOURCE_KINDS.map((kind) => kind.toLowerCase()));

/** Whether one parsed document claims its file for exo-gitops. */
export function claimsDocument(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { apiVersion, kind } = value as Record<string, unknown>;
  if (typeof apiVersion === 'string' && resemblesOurApiVersion(apiVersion)) return true;
  // A Tenant or MailUser whose apiVersion was forgotten, or written without its group, is ours too;
  // one with another group (capsule.clastix.io/v1beta2 has a Tenant) is not.
  const otherGroup = typeof apiVersion === 'string' && apiVersion.includes('/');
  return typeof kind === 'string' && OUR_KINDS.has(kind.toLowerCase()) && !otherGroup;
}

/** `apiVersion: value` or `kind: value` at the start of a line, after `---`, list markers or a `{`; the value unquoted. */
const HEADER_LINE = /^(?:---[ \t]+)?(?:-[ \t]+)*(?:\{[ \t]*)?["']?(apiVersion|kind)["']?[ \t]*:[ \t]*["']?([^\s"'#,{}[\]]+)/gm;

/** Lines looked at before giving up: a file claims itself in its first documents or not at all. */
const MAX_LINES_EXAMINED = 10_000;

/** Whether the lines of the text claim it, as claimsDocument would its documents (for files whose documents could not say). */
export function claimsText(text: string): boolean {
  let examined = 0;
  let ourKind = false;
  let otherGroup = false;
  for (const match of text.matchAll(HEADER_LINE)) {
    const value = match[2]!;
    if (match[1] === 'apiVersion') {
      if (resemblesOurApiVersion(value)) return true;
      if (value.includes('/')) otherGroup = true;
    } else if (OUR_KINDS.has(value.toLowerCase())) {
      ourKind = true;
    }
    if (++examined >= MAX_LINES_EXAMINED) break;
  }
  return ourKind && !otherGroup;
}
