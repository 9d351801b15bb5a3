import { parseArgs } from 'node:util';
import { version } from '../package.json';
import type { Command, CommandContext, OptionSpec, Output } from './command.js';
import { databaseLocation } from './database.js';
import { exportCsv } from './export.js';
import { importCsv } from './import.js';
import { importFrom } from './import-from.js';
import { migrate } from './migrate.js';
import { rotateKeys } from './rotate-keys.js';
import { EXIT, optionProblem, UsageError } from './usage.js';

const COMMANDS: readonly Command[] = [migrate, rotateKeys, importCsv, importFrom, exportCsv];

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  database: {
    type: 'string',
    short: 'd',
    value: 'path|url',
    description: 'an SQLite file or a postgres:// URL (default: $DATABASE_URL, else $POS_DB_PATH, else ./data/pos.db)',
  },
  quiet: { type: 'boolean', short: 'q', description: 'no progress bar' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

function optionLines(options: Record<string, OptionSpec>): string[] {
  const entries = Object.entries(options).map(([name, option]) => [
    `${option.short ? `-${option.short}, ` : '    '}--${name}${option.value ? ` <${option.value}>` : ''}`,
    option.description,
  ]);
  const width = Math.max(...entries.map(([flag]) => (flag as string).length));
  return entries.map(([flag, description]) => `  ${(flag as string).padEnd(width)}  ${description}`);
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `pos-integrations ${version}: operate a POS Integrations database`,
    '',
    'Usage: pos-integrations <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options:',
    ...optionLines({ ...GLOBAL_OPTIONS, version: { type: 'boolean', short: 'v', description: 'show the version' } }),
    '',
    'Run "pos-integrations <command> --help" for a command. Exit codes: 0 done, 1 failed, 2 usage or configuration error.',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [
    `Usage: pos-integrations ${[command.name, ...command.arguments].join(' ')} [options]`,
    '',
    `${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.`,
    '',
    command.help,
    '',
    'Options:',
    ...optionLines({ ...command.options, ...GLOBAL_OPTIONS }),
    '',
  ].join('\n');
}

export interface Streams {
  stdout: CommandContext['stdout'];
  stderr: Output & { columns?: number };
}

/** Runs one command line; resolves with the exit code. Messages never include a secret. */
export async function runCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  { stdout, stderr }: Streams,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = COMMANDS.find((command) => command.name === rest[0]);
    stdout.write(topic ? commandHelp(topic) : mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    stdout.write(`${version}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  try {
    if (!command) throw new UsageError(`Unknown command "${name}".`);
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: [...rest],
        options: Object.fromEntries(
          Object.entries({ ...command.options, ...GLOBAL_OPTIONS }).map(([option, spec]) => [
            option,
            { type: spec.type, ...(spec.short ? { short: spec.short } : {}) },
          ]),
        ),
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    if (parsed.values.help) {
      stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    const values = parsed.values as CommandContext['values'];
    return await command.run({
      location: databaseLocation(values.database as string | undefined, env),
      env,
      stdout,
      stderr,
      progress: values.quiet ? undefined : stderr,
      values,
      positionals: parsed.positionals,
    });
  } catch (thrown) {
    const error = (command && optionProblem(thrown, Object.keys(command.options))) || thrown;
    if (error instanceof UsageError) {
      stderr.write(
        `pos-integrations: ${error.message}\nRun "pos-integrations ${command ? `${command.name} ` : ''}--help" for usage.\n`,
      );
      return EXIT.usage;
    }
    // Our own errors say what went wrong without secrets; anything else is the driver's message
    // (a refused connection, a locked file), which names no credential either.
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`pos-integrations: ${message}\n`);
    return EXIT.failed;
  }
}
