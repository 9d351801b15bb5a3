#!/usr/bin/env node
// The installed command. It exists before the build (npm links commands at install time), so
// `npx pos-integrations` works in a fresh clone once it is built, and says how to build it before.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('pos-integrations is not built yet: run "npm run build" in the repository first.\n');
  process.exit(1);
}
await import(main.href);
