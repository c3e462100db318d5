// Parse one YAML file into documents that remember where each node came from. The `yaml` library
// gives every node a source range; a LineCounter turns offsets into line and column late, only for
// the nodes a finding is about.

import {
  LineCounter,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Alias,
  type Document,
  type Node as YamlNode,
  type Pair,
  type ParsedNode,
} from 'yaml';
import jsyaml from 'js-yaml';
import { finding, type Finding, type SourceLocation } from '../model/finding.js';
import type { Locator, NodePath } from '../model/desired.js';
import { MAX_NESTING_DEPTH } from './limits.js';
import { findDeepNesting } from './nesting.js';

/**
 * How many alias expansions one document may perform. Real configs use a handful; a "billion laughs"
 * document needs millions, and yaml stops it here with an error instead of exhausting memory.
 */
const MAX_ALIAS_COUNT = 100;

export interface SourceDocument {
  file: string;
  index: number;
  /** The document as plain JSON values. */
  value: unknown;
  locate: Locator;
  /**
   * The file holds no control character (other than tab and line breaks) and no backslash: no escape
   * can write one either, so none of its values holds a control character or half a surrogate pair
   * (the text was decoded as strict UTF-8). value-check.ts then skips those searches.
   */
  controlFree?: boolean;
}

/** A control character (not tab, LF or CR), or a backslash that could start an escape writing one. */
const CONTROL_OR_ESCAPE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\\]/;

export interface ParsedFile {
  documents: SourceDocument[];
  findings: Finding[];
}

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false, strict: true } as const;

/**
 * Parse one file. Files whose every document parses cleanly take the document-by-document path
 * (parseByDocument); any other file (a syntax error, a duplicate key, a directive…) is parsed as one
 * stream by parseStream, so its findings are exactly the stream parser's.
 */
export function parseYamlFile(file: string, text: string): ParsedFile {
  const normalized = normalizeLineBreaks(text);
  const split = parseByDocument(normalized);
  return split ? withLocators(file, normalized, split) : parseStream(file, normalized);
}

/**
 * YAML 1.2 counts a lone CR as a line break, as CRLF and LF; js-yaml does, yaml does not (it reads
 * `a: 1\rb: 2` as one line and fails). Every line break becomes LF before either parser sees the
 * text, so both read the same values and positions count CR-only breaks as lines. No value changes:
 * a raw line break inside a scalar is read as LF by the spec, and CRLF positions stay the same (the
 * CR was the last character of its line). Every entry point applies it, so offsets agree between
 * the worker's parseByDocument and the main thread's withLocators.
 */
function normalizeLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** A document parsed on its own: its value and the slice of the file it came from. */
export interface SplitDocument {
  index: number;
  value: unknown;
  /** Offsets of the document's text in the file: [start, end). */
  start: number;
  end: number;
}

/** Where each document of a multi-document file starts: at a `---` marker in column 0. */
const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;
/** Directives (`%YAML`, `%TAG`) and `...` end markers tie documents together: such files take the stream path. */
const STREAM_SYNTAX = /^(?:%|\.\.\.(?:[ \t\r\n]|$))/m;

/**
 * Performance (N = 50,000 MailUsers, 30 MB of YAML): yaml's multi-document stream parse keeps every
 * document's syntax tree alive until the stream ends, and the locators kept them alive for the whole
 * run: 5.9 s and most of 1.4 GB. YAML makes a `---` line in column 0 a document boundary everywhere
 * (no scalar or collection may contain one: the spec's c-forbidden), so each document can be parsed
 * on its own and its tree dropped at once; a finding's position re-parses just that document, later,
 * and only for the few documents a finding or an action points at.
 *
 * Returns undefined (the caller then parses the whole stream) unless every document parses with no
 * error, warning or duplicate key and converts to a value, so problems are always reported by the
 * stream parser, exactly as before. Plain data: it also runs in a worker thread (parallel-parse.ts).
 */
export function parseByDocument(source: string): SplitDocument[] | undefined {
  const text = normalizeLineBreaks(source);
  if (STREAM_SYNTAX.test(text)) return undefined;
  // Too deep for the parsers: the stream path reports where (before parsing anything).
  if (findDeepNesting(text).length > 0) return undefined;
  const starts = [0];
  for (const match of text.matchAll(DOCUMENT_START)) if (match.index > 0) starts.push(match.index);
  starts.push(text.length);
  const documents: SplitDocument[] = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    const start = starts[i]!;
    const end = starts[i + 1]!;
    const slice = text.slice(start, end);
    const fast = fastValue(slice, i === 0);
    if (fast) {
      const index = documents.length === 0 ? 0 : documents[documents.length - 1]!.index + 1;
      documents.push({ index, value: fast.value, start, end });
      continue;
    }
    const parsed = parseAllDocuments(slice, PARSE_OPTIONS);
    if ('empty' in parsed) {
      // Only comments or blank lines before the first `---`: no document, as in the stream.
      if (parsed.errors.length > 0 || i > 0) return undefined;
      continue;
    }
    if (parsed.length !== 1) return undefined;
    const doc = parsed[0]!;
    if (doc.errors.length > 0 || doc.warnings.length > 0 || findDuplicateKeys(doc.contents).length > 0) return undefined;
    if (findAliasCycle(doc.contents)) return undefined;
    const index = documents.length === 0 ? 0 : documents[documents.length - 1]!.index + 1;
    if (doc.contents === null) {
      // An empty document (e.g. after a trailing '---') takes an index, as in the stream, and holds nothing.
      documents.push({ index, value: null, start, end });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch {
      return undefined;
    }
    documents.push({ index, value, start, end });
  }
  return documents;
}

/**
 * Syntax for which js-yaml's value could differ from yaml's, or which needs yaml's limits: anchors,
 * aliases and tags where a node starts (alias expansion is capped only by yaml), and the few plain
 * scalars the two resolve differently (binary 0b…, a signed or bare leading dot, exponent numbers).
 */
const NEEDS_YAML = /(?:^|[\s[\]{},])[&*!]|(?:^|[\s[{,])[-+]?(?:0b[01_]+|\.\d+|\d+(?:\.\d*)?[eE][-+]?\d+)(?=[ \t]*(?:$|[,\]}#]))/m;

/**
 * Performance: js-yaml reads a plain document about ten times faster than yaml builds its syntax
 * tree, and the tree is only needed for positions, which are found later for the few documents a
 * finding points at. For the YAML 1.2 core schema the two agree on every value except the syntax
 * NEEDS_YAML sends to yaml; any document js-yaml rejects goes to yaml too, which reports the problem.
 */
function fastValue(slice: string, first: boolean): { value: unknown } | undefined {
  if (NEEDS_YAML.test(slice)) return undefined;
  let value: unknown;
  try {
    value = jsyaml.load(slice, { schema: jsyaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
  // js-yaml cannot tell "no document" (only comments) from an empty first document: let yaml decide.
  if (first && (value === undefined || value === null)) return undefined;
  return { value: value === undefined ? null : value };
}

/** Line starts of a whole file, as the stream parser's LineCounter records them. */
function lineCounterOf(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  return lineCounter;
}

/**
 * Documents split by parseByDocument, each with a locator that re-parses its own text when first asked.
 *
 * Performance: a position is the line its document starts on plus the line within the document's own
 * text. The start lines of a file's documents are counted in one pass, on the first position asked in
 * that file, into one number per document: no table of the file's lines (a 3 MB file has 100,000),
 * and nothing at all for the files no finding or action points into.
 *
 * The file's text stays for those re-parses (a git ref's files are gone once loaded). Dropping it
 * (kept deflated, inflated on the first position asked) was weighed and left out: at 50,000 MEUs the
 * plan's actions locate documents in every file before the plan's peak memory, at its end. js-yaml's
 * values also hold on to a copy of each document's text (it appends a NUL and so copies its input;
 * strings of 13 characters and more are slices of that copy), about the YAML's size again; copying
 * the values' strings out costs more time than the memory is worth.
 */
export function withLocators(file: string, source: string, split: readonly SplitDocument[]): ParsedFile {
  const text = normalizeLineBreaks(source);
  let startLines: Int32Array | undefined;
  const startLine = (k: number): number => {
    if (!startLines) {
      startLines = new Int32Array(split.length);
      let line = 1;
      let newline = text.indexOf('\n');
      for (let j = 0; j < split.length; j++) {
        const start = split[j]!.start;
        while (newline !== -1 && newline < start) {
          line++;
          newline = text.indexOf('\n', newline + 1);
        }
        startLines[j] = line;
      }
    }
    return startLines[k]!;
  };
  const documents: SourceDocument[] = [];
  const controlFree = !CONTROL_OR_ESCAPE.test(text);
  split.forEach(({ index, value, start, end }, k) => {
    if (value === null || value === undefined) return;
    let locate: Locator | undefined;
    documents.push({
      file,
      index,
      value,
      controlFree,
      locate: (path = [], part = 'value') => {
        if (!locate) {
          // Most positions asked (an action's metadata.name) a line scan finds; the rest re-parse.
          const quick = quickLocation(text, start, end, value, path, part);
          if (quick) return { file, line: startLine(k) + quick.line - 1, column: quick.column };
          // Every document starts in column 1 (at the file's start or at a `---` line), so a line of
          // its text is a line of the file: only the line number is shifted.
          const slice = text.slice(start, end);
          const doc = parseAllDocuments(slice, PARSE_OPTIONS) as Document.Parsed[];
          const first = startLine(k) - 1;
          let lines: LineCounter | undefined;
          locate = makeLocator(doc[0]!, (offset) => {
            lines ??= lineCounterOf(slice);
            const { line, col } = lines.linePos(Math.max(0, offset));
            return { file, line: first + line, column: col };
          });
        }
        return locate(path, part);
      },
    });
  });
  return { documents, findings: [] };
}

/** Keys a line scan can recognise: written plain, as every key of our kinds is. */
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Performance: locating with yaml re-parses the document (about 0.6 ms for a MailUser), and a plan at
 * 50,000 MEUs locates every action's document. A path of plain keys through block mappings to a
 * scalar written plain on its key's line (`metadata:` then `  name: user0`) is found by scanning the
 * document's lines instead: at each level, only lines at that level's indentation are keys of it
 * (a deeper line belongs to a sibling's value, a shallower one ends the mapping). The text found must
 * be the value js-yaml read for that path, so the scan answers only where it read what the parser
 * read; anything else (flow style, quotes, anchors, tags, lists, a key not found) returns undefined
 * and yaml locates it. Lines and columns as yaml's LineCounter gives them (1-based, within the slice).
 */
export function quickLocation(text: string, start: number, end: number, value: unknown, path: NodePath, part: 'key' | 'value'): { line: number; column: number } | undefined {
  if (path.length === 0) return undefined;
  let target = value;
  for (const segment of path) {
    if (typeof segment !== 'string' || !PLAIN_KEY.test(segment)) return undefined;
    if (target === null || typeof target !== 'object' || Array.isArray(target) || !Object.hasOwn(target, segment)) return undefined;
    target = (target as Record<string, unknown>)[segment];
  }
  if (typeof target !== 'string' && typeof target !== 'number' && typeof target !== 'boolean') return undefined;
  const scalar = String(target);

  let position = start;
  let line = 1;
  if (text.startsWith('---', start)) {
    // The document's marker line holds nothing else (a comment at most).
    const newline = text.indexOf('\n', start);
    if (newline === -1 || newline >= end) return undefined;
    const rest = text.slice(start + 3, newline).trim();
    if (rest !== '' && !rest.startsWith('#')) return undefined;
    position = newline + 1;
    line = 2;
  }
  let indent = 0;
  let depth = 0;
  /** After a mapping key: the next content line sets its value's indentation. */
  let opening = false;
  for (; position < end; line++) {
    let newline = text.indexOf('\n', position);
    if (newline === -1 || newline > end) newline = end;
    const lineStart = position;
    position = newline + 1;
    let i = lineStart;
    while (i < newline && text.charCodeAt(i) === 32) i++;
    if (i === newline || text.charCodeAt(i) === 35 /* # */) continue;
    const lineIndent = i - lineStart;
    if (opening) {
      if (lineIndent <= indent) return undefined;
      indent = lineIndent;
      opening = false;
    }
    if (lineIndent < indent) return undefined;
    if (lineIndent > indent) continue;
    const segment = path[depth] as string;
    if (!text.startsWith(segment, i)) continue;
    const colon = i + segment.length;
    if (text.charCodeAt(colon) !== 58 /* : */) continue;
    const afterColon = text.charCodeAt(colon + 1);
    if (colon + 1 < newline && afterColon !== 32 && afterColon !== 9) continue;
    let v = colon + 1;
    while (v < newline && (text.charCodeAt(v) === 32 || text.charCodeAt(v) === 9)) v++;
    // A comment ends a plain scalar at a space or tab before its '#'.
    let stop = newline;
    for (let c = v; c < newline; c++) {
      if (text.charCodeAt(c) === 35 && c > v && (text.charCodeAt(c - 1) === 32 || text.charCodeAt(c - 1) === 9)) {
        stop = c;
        break;
      }
    }
    while (stop > v && (text.charCodeAt(stop - 1) === 32 || text.charCodeAt(stop - 1) === 9)) stop--;
    if (depth < path.length - 1) {
      // A key whose value is a block mapping: nothing after its colon but a comment.
      if (stop > v && text.charCodeAt(v) !== 35) return undefined;
      depth++;
      opening = true;
      continue;
    }
    if (text.slice(v, stop) !== scalar || v === stop) return undefined;
    const offset = part === 'key' ? i : v;
    return { line, column: offset - lineStart + 1 };
  }
  return undefined;
}

/** The whole file as one stream: the path for every file with a problem, so findings are yaml's own. */
export function parseStream(file: string, source: string): ParsedFile {
  const text = normalizeLineBreaks(source);
  const lineCounter = new LineCounter();
  const findings: Finding[] = [];
  const documents: SourceDocument[] = [];
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(Math.max(0, offset));
    return { file, line, column: col };
  };

  // Checked before parsing: the parsers need minutes and all memory for thousands of levels.
  const deep = findDeepNesting(text);
  if (deep.length > 0) {
    const lines = lineCounterOf(text);
    for (const offset of deep) {
      const { line, col } = lines.linePos(offset);
      findings.push(
        finding('YamlNestingLimit', `collections nest more than ${MAX_NESTING_DEPTH} levels deep here, so no document of this file is parsed`, {
          location: { file, line, column: col },
        }),
      );
    }
    return { documents, findings };
  }

  // yaml's own uniqueKeys check compares each key with every earlier key of its mapping: quadratic, so a
  // file of a million keys would hang. Duplicate keys are found below in linear time instead.
  const parsed = parseAllDocuments(text, { lineCounter, ...PARSE_OPTIONS });
  if ('empty' in parsed) {
    // An empty stream carries only stream-level errors (e.g. a stray directive).
    for (const error of parsed.errors) findings.push(finding('YamlSyntax', cleanYamlMessage(error.message), { location: at(error.pos[0]) }));
  }
  const docs: Document.Parsed[] = [...parsed];

  docs.forEach((doc, index) => {
    const problems = [...doc.errors, ...doc.warnings, ...findDuplicateKeys(doc.contents)];
    if (problems.length > 0) {
      // Some inputs (thousands of unclosed '[') make yaml repeat one error per level: report each once.
      const reported = new Set<string>();
      for (const problem of problems) {
        const message = cleanYamlMessage(problem.message);
        const key = `${problem.pos[0]}\0${message}`;
        if (reported.has(key)) continue;
        reported.add(key);
        findings.push(finding('YamlSyntax', message, { location: at(problem.pos[0]) }));
      }
      return;
    }
    if (doc.contents === null) return; // an empty document, e.g. after a trailing '---'

    // yaml turns `&a [*a]` into an array that contains itself; every walk of the value would recurse forever.
    const cycle = findAliasCycle(doc.contents);
    if (cycle) {
      findings.push(
        finding('YamlAliasCycle', `alias *${cycle.source} stands for a node that contains the alias itself`, { location: at(cycle.range?.[0] ?? doc.contents.range[0]) }),
      );
      return;
    }

    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const firstAlias = findFirstAlias(doc.contents);
      const reason = (error as Error).message;
      if (!/alias count/i.test(reason)) {
        // Not the expansion limit: e.g. an alias used before its anchor ("Unresolved alias").
        const near = /alias/i.test(reason) ? firstAlias?.range?.[0] : undefined;
        findings.push(finding('YamlSyntax', cleanYamlMessage(reason), { location: at(near ?? doc.contents.range[0]) }));
        return;
      }
      findings.push(
        finding('YamlAliasLimit', `aliases expand more than ${MAX_ALIAS_COUNT} times in this document (${(error as Error).message})`, {
          location: at(firstAlias?.range?.[0] ?? doc.contents.range[0]),
        }),
      );
      return;
    }
    if (value === null || value === undefined) return;
    documents.push({ file, index, value, locate: makeLocator(doc, at) });
  });

  return { documents, findings };
}

/** yaml's messages end with a code frame and repeat the position we print ourselves; keep the sentence. */
function cleanYamlMessage(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/**
 * The "Map keys must be unique" errors yaml's uniqueKeys option would give (equal scalar values), found
 * with one set per mapping and an explicit stack, so neither size nor depth costs more than linear work.
 */
function findDuplicateKeys(contents: unknown): { message: string; pos: [number, number] }[] {
  const problems: { message: string; pos: [number, number] }[] = [];
  const stack: unknown[] = [contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key as ParsedNode | null;
        if (isScalar(key)) {
          if (seen.has(key.value)) {
            const start = key.range?.[0] ?? 0;
            problems.push({ message: 'Map keys must be unique', pos: [start, start + 1] });
          } else seen.add(key.value);
        } else if (key) stack.push(key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return problems;
}

/**
 * The first alias (in document order) that stands for a node containing it: `&a [*a]`, or
 * `&a {b: [*a]}`. yaml resolves an alias to the last node before it with that anchor, and in a tree
 * every cycle of aliases runs through such an alias, so one walk that knows the open collections
 * finds them all. An explicit stack, so no document can overflow the call stack.
 */
function findAliasCycle(contents: unknown): Alias | undefined {
  const latest = new Map<string, unknown>();
  const open = new Set<unknown>();
  const stack: { node: unknown; leave: boolean }[] = [{ node: contents, leave: false }];
  while (stack.length > 0) {
    const { node, leave } = stack.pop()!;
    if (leave) {
      open.delete(node);
      continue;
    }
    if (isAlias(node)) {
      if (open.has(latest.get(node.source))) return node;
      continue;
    }
    if (isNode(node) && node.anchor) latest.set(node.anchor, node);
    if (isMap(node) || isSeq(node)) {
      open.add(node);
      stack.push({ node, leave: true });
      const children: unknown[] = [];
      for (const item of node.items as unknown[]) {
        if (isPair(item)) children.push(item.key, item.value);
        else children.push(item);
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], leave: false });
    }
  }
  return undefined;
}

function findFirstAlias(node: unknown): YamlNode | undefined {
  if (isAlias(node)) return node;
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items as unknown[]) {
      if (item && typeof item === 'object' && 'key' in item) {
        const pair = item as { key: unknown; value: unknown };
        const found = findFirstAlias(pair.key) ?? findFirstAlias(pair.value);
        if (found) return found;
      } else {
        const found = findFirstAlias(item);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/**
 * Walk the document's AST along a JSON-pointer-like path. Returns the deepest node reached and, when
 * the last step was a mapping entry, that entry's key node.
 */
function walk(doc: Document.Parsed, path: NodePath, keyIndex: WeakMap<object, Map<string, Pair>>): { node: ParsedNode; key?: ParsedNode } {
  let node = doc.contents as ParsedNode;
  let key: ParsedNode | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      // One lookup table per mapping, built on first use: a document with 100,000 unknown keys is
      // located 100,000 times, and a linear search each time would be quadratic.
      let byKey = keyIndex.get(node);
      if (!byKey) {
        byKey = new Map();
        for (const p of node.items) {
          const text = keyText(p.key);
          if (text !== undefined && !byKey.has(text)) byKey.set(text, p as Pair);
        }
        keyIndex.set(node, byKey);
      }
      const pair = byKey.get(String(segment));
      if (!pair) break;
      key = pair.key as ParsedNode;
      // `field:` with no value has no value node, or an empty null scalar just after the colon: the
      // key is then the best place to point at.
      const value = pair.value as ParsedNode | null;
      const empty = value === null || (isScalar(value) && value.value === null && value.range[0] === value.range[1]);
      node = empty ? key : value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as ParsedNode | undefined;
      if (!item) break;
      key = undefined;
      node = item;
    } else {
      break;
    }
  }
  return key ? { node, key } : { node };
}

function makeLocator(doc: Document.Parsed, at: (offset: number) => SourceLocation): Locator {
  const keyIndex = new WeakMap<object, Map<string, Pair>>();
  return (path = [], part = 'value') => {
    const { node, key } = walk(doc, path, keyIndex);
    const target = part === 'key' && key ? key : node;
    return at(target.range?.[0] ?? 0);
  };
}
