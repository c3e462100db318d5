#!/usr/bin/env node
// The package's bin. Everything else lives in program.ts, which tests import and run in-process.
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2));
