import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { jsonLogger, type Logger, loggerFrom, silentLogger } from '../src/index.js';

describe('the Logger port', () => {
  it('is satisfied by a pino logger as it is, whose lines then carry the fields', () => {
    const lines: string[] = [];
    const logger: Logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    logger.warn({ tenant_id: 'tenant-a', batch_id: 'b1' }, 'Data Manager batch failed');
    logger.info('started');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 40, tenant_id: 'tenant-a', batch_id: 'b1', msg: 'Data Manager batch failed' }),
      expect.objectContaining({ level: 30, msg: 'started' }),
    ]);
  });

  it("jsonLogger takes pino's order and the earlier (message, fields) one alike", () => {
    const lines: string[] = [];
    const logger = jsonLogger((line) => lines.push(line));
    logger.error({ provider: 'square' }, 'first');
    logger.error('second', { provider: 'stripe' });
    logger.debug('third');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'error', message: 'first', provider: 'square' }),
      expect.objectContaining({ level: 'error', message: 'second', provider: 'stripe' }),
      expect.objectContaining({ level: 'debug', message: 'third' }),
    ]);
  });

  it('loggerFrom hands each entry to one function; silentLogger takes both orders and writes nothing', () => {
    const seen: unknown[] = [];
    const logger = loggerFrom((level, message, fields) => seen.push([level, message, fields]));
    logger.info({ a: 1 }, 'x');
    logger.warn('y', { b: 2 });
    expect(seen).toEqual([
      ['info', 'x', { a: 1 }],
      ['warn', 'y', { b: 2 }],
    ]);
    expect(() => silentLogger.info({ a: 1 }, 'x')).not.toThrow();
    expect(() => silentLogger.info('x', { a: 1 })).not.toThrow();
  });
});
