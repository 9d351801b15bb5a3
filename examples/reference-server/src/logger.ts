import type { Logger } from '@pos/integrations-core';

/** One readable line per entry on stderr; fields as JSON. */
export function consoleLogger(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const emit = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}${extra}`);
  };
  return { debug: () => {}, info: emit('info'), warn: emit('warn'), error: emit('error') };
}
