/** The structured part of a log entry. Fields never carry secret values. */
export type LogFields = Record<string, unknown>;

/**
 * One level of a {@link Logger}, called the way pino's are: `(fields, message)`, or `(message)`
 * alone. A pino logger is a `Logger` as it is; so is any logger with that calling convention.
 */
export interface LogMethod {
  (fields: LogFields, message: string): void;
  (message: string): void;
}

/** A structured logger: pino, {@link jsonLogger}, or your own with pino's calling convention. */
export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

/**
 * A level of the loggers this package makes: pino's two forms, and `(message, fields)` as
 * earlier releases called them, so code written for those keeps working.
 */
export interface FlexibleLogMethod extends LogMethod {
  (message: string, fields?: LogFields): void;
}

/** A {@link Logger} whose levels also take `(message, fields)`. */
export interface FlexibleLogger extends Logger {
  debug: FlexibleLogMethod;
  info: FlexibleLogMethod;
  warn: FlexibleLogMethod;
  error: FlexibleLogMethod;
}

/** The message and fields of a call in either order (`(fields, message)` or `(message, fields)`). */
export function logEntry(first: unknown, second: unknown): { message: string; fields: LogFields } {
  if (typeof first === 'string') {
    return { message: first, fields: typeof second === 'object' && second !== null ? (second as LogFields) : {} };
  }
  return {
    message: typeof second === 'string' ? second : '',
    fields: typeof first === 'object' && first !== null ? (first as LogFields) : {},
  };
}

/** A logger whose every level passes its entry to `write`. */
export function loggerFrom(write: (level: string, message: string, fields: LogFields) => void): FlexibleLogger {
  const level =
    (name: string): FlexibleLogMethod =>
    (first: unknown, second?: unknown) => {
      const { message, fields } = logEntry(first, second);
      write(name, message, fields);
    };
  return { debug: level('debug'), info: level('info'), warn: level('warn'), error: level('error') };
}

export const silentLogger: FlexibleLogger = loggerFrom(() => {});

/** Writes one JSON line per entry, for servers that ship stdout to a log collector. */
export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): FlexibleLogger {
  return loggerFrom((level, message, fields) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })),
  );
}
