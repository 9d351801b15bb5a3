import { type FlexibleLogger, loggerFrom } from '@pos/integrations-core';

/** One readable line per entry on stderr; fields as JSON. For tests and local runs; `main.js` logs JSON with pino. */
export function consoleLogger(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): FlexibleLogger {
  return loggerFrom((level, message, fields) => {
    if (level === 'debug') return;
    const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}${extra}`);
  });
}
