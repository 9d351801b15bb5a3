import type { DatabaseLocation } from './database.js';
import type { ProgressOutput } from './progress.js';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in help as `--name <value>`. */
  value?: string;
  description: string;
}

/** What a command gets once the command line is parsed. */
export interface CommandContext {
  location: DatabaseLocation;
  env: Record<string, string | undefined>;
  /** Results and data (an export without --output). */
  stdout: NodeJS.WritableStream & Output;
  /** Messages. */
  stderr: Output;
  /** Where progress bars go; undefined with --quiet. */
  progress: ProgressOutput | undefined;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** `import <entity> <file.csv>`: the positionals, in order. */
  arguments: string[];
  options: Record<string, OptionSpec>;
  /** Paragraphs shown by `<command> --help` below the usage. */
  help: string;
  run(context: CommandContext): Promise<number>;
}
