// How deeply a YAML text nests its collections, found before any parser sees it. Both parsers recurse
// once per level (yaml's composer, js-yaml, and every walk of the value after them), so a document of
// thousands of levels (`[[[[…`, or thousands of ever more indented keys) costs minutes and ends out
// of memory or stack. The check is linear and stops at the first level past the limit.

import { CST, Lexer } from 'yaml';
import { MAX_NESTING_DEPTH } from './limits.js';

/** Where each document of a file starts: a `---` marker in column 0 (as in yaml-source.ts). */
const DOCUMENT_START = /^---(?=[ \t\n]|$)/gm;

/**
 * Offsets at which nesting first goes past `limit` levels: one per document that does, in order.
 * `text` has LF line breaks only (yaml-source.ts normalizes them first).
 *
 * Performance: a file of 50,000 ordinary documents must not pay for a tokenizer (yaml's Lexer takes
 * twice as long as js-yaml takes to parse). A cheap pass over each document bounds its depth from
 * above; only a document whose bound is past the limit is tokenized, and that stops early.
 */
export function findDeepNesting(text: string, limit: number = MAX_NESTING_DEPTH): number[] {
  const starts = [0];
  for (const match of text.matchAll(DOCUMENT_START)) if (match.index > 0) starts.push(match.index);
  starts.push(text.length);
  const offsets: number[] = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    const start = starts[i]!;
    const end = starts[i + 1]!;
    if (depthBound(text, start, end) <= limit) continue;
    const at = firstDeepToken(text.slice(start, end), limit);
    if (at !== undefined) offsets.push(start + at);
  }
  return offsets;
}

/**
 * An upper bound of the nesting depth of text[start, end). Flow collections: at most one level per
 * `[` or `{`, wherever it stands (in a quoted string or a comment too, so the bound stays a bound).
 * Block collections: a collection nested in a mapping starts in a later column, except a sequence
 * (`key:\n- a`), and one nested in a sequence starts after its `- `, so a block collection starting
 * in column c is at most 2(c + 1) levels deep. In valid YAML it starts after the line's indentation
 * and indicators (`- `, `? `, `: `); text that is not valid YAML may open more on the same line
 * (`a: a: a: …`, `a: - - - …`, which the parser takes minutes to reject), one per further indicator.
 */
function depthBound(text: string, start: number, end: number): number {
  let opens = 0;
  let block = 0;
  let i = start;
  while (i < end) {
    let j = i;
    for (; j < end; j++) {
      const c = text.charCodeAt(j);
      if (c !== SPACE && c !== TAB && c !== DASH && c !== QUESTION && c !== COLON) break;
    }
    let lineEnd = text.indexOf('\n', j);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    let indicators = 0;
    for (let k = j; k < lineEnd; k++) {
      const c = text.charCodeAt(k);
      if (c === 91 || c === 123) opens++; // '[', '{'
      else if (c === DASH || c === QUESTION || c === COLON) {
        const next = k + 1 < lineEnd ? text.charCodeAt(k + 1) : SPACE;
        if (next === SPACE || next === TAB) indicators++;
      }
    }
    const bound = 2 * (j - i + 1 + indicators);
    if (bound > block) block = bound;
    i = lineEnd + 1;
  }
  return block + opens;
}

const SPACE = 32;
const TAB = 9;
const DASH = 45;
const QUESTION = 63;
const COLON = 58;

interface BlockLevel {
  column: number;
  sequence: boolean;
}

/**
 * The offset of the token that opens level `limit + 1`, by yaml's own tokenizer, so quoted strings,
 * comments and block scalars hold no levels. Flow levels are counted by brackets; block levels by
 * the columns of `- `, `? ` and implicit keys, as a stack of open block collections.
 */
function firstDeepToken(source: string, limit: number): number | undefined {
  const blocks: BlockLevel[] = [];
  let flow = 0;
  let offset = 0;
  let lineStart = 0;
  /** Column where the current node of this line starts, at flow level 0 (-1: none yet). */
  let nodeColumn = -1;
  let scalarBody = false;

  const enter = (column: number, sequence: boolean): boolean => {
    for (;;) {
      const top = blocks[blocks.length - 1];
      if (!top) break;
      // A deeper collection has ended; so has a sequence written at its mapping's column (`key:\n- a\nnext:`).
      if (top.column > column || (top.column === column && top.sequence && !sequence)) blocks.pop();
      else break;
    }
    const top = blocks[blocks.length - 1];
    if (top && top.column === column && top.sequence === sequence) return false;
    blocks.push({ column, sequence });
    return blocks.length + flow > limit;
  };
  const newlines = (token: string, at: number): void => {
    const last = token.lastIndexOf('\n');
    if (last !== -1) {
      lineStart = at + last + 1;
      nodeColumn = -1;
    }
  };

  for (const token of new Lexer().lex(source)) {
    const at = offset;
    if (scalarBody) {
      // A scalar's text (plain, or a block scalar's lines) follows its marker.
      scalarBody = false;
      offset += token.length;
      const last = token.lastIndexOf('\n');
      if (last !== -1) lineStart = at + last + 1;
      continue;
    }
    const type = CST.tokenType(token);
    // Markers the tokenizer adds: not part of the text.
    if (type === 'scalar' || type === 'doc-mode' || type === 'flow-error-end') {
      if (type === 'scalar') {
        scalarBody = true;
        if (flow === 0 && nodeColumn < 0) nodeColumn = at - lineStart;
      }
      continue;
    }
    offset += token.length;
    switch (type) {
      case 'newline':
        lineStart = offset;
        nodeColumn = -1;
        break;
      case 'space':
      case 'comment':
      case 'byte-order-mark':
      case 'comma':
        newlines(token, at);
        break;
      case 'doc-start':
      case 'doc-end':
        blocks.length = 0;
        flow = 0;
        nodeColumn = -1;
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
        if (flow === 0) {
          if (enter(at - lineStart, type === 'seq-item-ind')) return at;
          nodeColumn = -1;
        }
        break;
      case 'map-value-ind':
        if (flow === 0) {
          // The mapping starts at its key (an implicit key is one line: lineStart is the key's line).
          const column = nodeColumn >= 0 ? nodeColumn : at - lineStart;
          if (enter(column, false)) return lineStart + column;
          nodeColumn = -1;
        }
        break;
      case 'flow-seq-start':
      case 'flow-map-start':
        if (flow === 0 && nodeColumn < 0) nodeColumn = at - lineStart;
        flow++;
        if (blocks.length + flow > limit) return at;
        break;
      case 'flow-seq-end':
      case 'flow-map-end':
        if (flow > 0) flow--;
        break;
      default:
        // Anchors, tags, aliases, quoted scalars, block scalar headers, directives, and text the
        // tokenizer could not place: a node starts here; quoted scalars may span lines.
        if (flow === 0 && nodeColumn < 0) nodeColumn = at - lineStart;
        {
          const last = token.lastIndexOf('\n');
          if (last !== -1) lineStart = at + last + 1;
        }
    }
  }
  return undefined;
}
