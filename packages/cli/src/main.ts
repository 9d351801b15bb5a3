#!/usr/bin/env node
import { runCli } from './cli.js';

runCli(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pos-integrations: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
