// The second core's share of the YAML: parse files document by document (parseByDocument) and post
// the plain results back. See parallel-parse.ts.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { parseByDocument, type SplitDocument } from './yaml-source.js';

interface Job {
  texts: string[];
  port: MessagePort;
  signal: Int32Array;
}

const { texts, port, signal } = workerData as Job;
let results: (SplitDocument[] | undefined)[] | undefined;
try {
  // undefined for a file with a problem: the main thread parses it as a stream, for yaml's own findings.
  results = texts.map((text) => parseByDocument(text));
} catch {
  results = undefined;
} finally {
  port.postMessage(results);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
  parentPort?.close();
}
