/**
 * The one place where schema problems become messages for people. Every route, the CLI and the
 * Data Manager's row errors go through here, so none of zod's own wording ("Invalid input: expected
 * string, received undefined", "Too big: …", "(root)") reaches a response, a log line or a screen.
 *
 * A problem is a field (`rows[2].sku`, or none for the value as a whole) and a fragment that
 * completes a sentence about it ("is required", "must be at most 100,000"); the fragment never
 * repeats the submitted value.
 */

import type { z } from 'zod';

/** A schema problem as zod reports it (raw, inside its error map, or final, in `error.issues`). */
export interface SchemaIssue {
  code?: string;
  path?: readonly PropertyKey[];
  message?: string;
  /** Present only while zod builds the issue (its error map); final issues drop it. */
  input?: unknown;
  expected?: string;
  origin?: string;
  format?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  exact?: boolean;
  divisor?: number | bigint;
  values?: readonly unknown[];
  keys?: readonly string[];
  options?: readonly unknown[];
  errors?: readonly (readonly SchemaIssue[])[];
}

/** One problem as the error body's `details.issues` lists it. */
export interface FieldProblem {
  /** The field's path (`rows[2].sku`); empty for the value as a whole. */
  field: string;
  /** Completes a sentence about the field: "is required", "must be one of a, b". */
  message: string;
}

/** zod's default phrasings; a final issue whose message matches was not written by a schema. */
export const ZOD_WORDING =
  /Invalid input|Invalid option|Invalid (string|email|URL|UUID|discriminator|key|element)|expected .* received|Too big|Too small|\(root\)|Unrecognized keys?|must match pattern|Invalid [a-z]+ address/i;

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'a list',
  date: 'a date',
  null: 'null',
  undefined: 'left out',
  symbol: 'a symbol',
  nan: 'not a number',
  file: 'a file',
  map: 'a map',
  set: 'a list of unique items',
};

const FORMAT_NAMES: Record<string, string> = {
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
  guid: 'a GUID',
  datetime: 'a date and time (ISO 8601)',
  date: 'a date (YYYY-MM-DD)',
  time: 'a time (HH:MM:SS)',
  duration: 'a duration (ISO 8601)',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  cidrv4: 'an IPv4 range',
  cidrv6: 'an IPv6 range',
  base64: 'base64 text',
  base64url: 'base64url text',
  e164: 'a phone number in E.164 form',
  jwt: 'a JSON Web Token',
  emoji: 'an emoji',
  hex: 'hexadecimal text',
  lowercase: 'lowercase text',
  uppercase: 'uppercase text',
};

/** `100000` → `100,000`; dates and other bounds as text. */
export function formatBound(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return value.toLocaleString('en-US');
  return String(value);
}

function typeName(expected: string | undefined): string {
  return (expected && TYPE_NAMES[expected]) ?? `of type ${expected ?? 'unknown'}`;
}

function listOf(values: readonly unknown[]): string {
  return values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');
}

function sizeWords(origin: string | undefined, bound: string, count: number | bigint | undefined): string {
  const plural = count === 1 || count === 1n ? '' : 's';
  if (origin === 'string') return `${bound} character${plural}`;
  if (origin === 'array' || origin === 'set') return `${bound} item${plural}`;
  if (origin === 'file') return `${bound} byte${plural}`;
  return bound;
}

function bounds(issue: SchemaIssue, big: boolean): string {
  const limit = big ? issue.maximum : issue.minimum;
  const words = sizeWords(issue.origin, formatBound(limit), limit);
  const numeric = issue.origin !== 'string' && issue.origin !== 'array' && issue.origin !== 'set';
  if (issue.exact)
    return issue.origin === 'array' || issue.origin === 'set'
      ? `must have exactly ${words}`
      : `must be exactly ${words}`;
  // An empty text where one is needed reads like a field left out.
  if (issue.origin === 'string' && !big && limit === 1) return 'is required';
  if (issue.origin === 'array' || issue.origin === 'set') {
    if (!big && limit === 1) return 'must have at least one item';
    return `must have ${big ? 'at most' : 'at least'} ${words}`;
  }
  if (issue.origin === 'date') return `must be ${big ? 'on or before' : 'on or after'} ${words}`;
  if (numeric && issue.inclusive === false) return `must be ${big ? 'less' : 'more'} than ${words}`;
  return `must be ${big ? 'at most' : 'at least'} ${words}`;
}

function missing(issue: SchemaIssue): boolean {
  if ('input' in issue) return issue.input === undefined;
  return /received undefined/.test(issue.message ?? '');
}

/**
 * The fragment for one issue, from its code alone: what zod's error map would say, in our words.
 * Used as the error map of every parse ({@link PERSON_MESSAGES}), so a message a schema writes
 * itself (`.regex(re, 'must be a batch id')`) is kept.
 */
export function issueMessage(issue: SchemaIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (missing(issue) && issue.expected !== 'undefined') return 'is required';
      if (issue.expected === 'undefined' || issue.expected === 'never') return 'is not accepted here';
      return `must be ${typeName(issue.expected)}`;
    case 'too_big':
      return bounds(issue, true);
    case 'too_small':
      return bounds(issue, false);
    case 'invalid_format':
      if (issue.format && FORMAT_NAMES[issue.format]) return `must be ${FORMAT_NAMES[issue.format]}`;
      return 'is not in the expected format';
    case 'not_multiple_of':
      return `must be a multiple of ${formatBound(issue.divisor)}`;
    case 'invalid_value': {
      const values = issue.values ?? [];
      if (values.length === 1) return `must be ${listOf(values)}`;
      return `must be one of ${listOf(values)}`;
    }
    case 'unrecognized_keys':
      return `has fields it does not accept: ${listOf(issue.keys ?? [])}`;
    case 'invalid_union':
      if (issue.options && issue.options.length > 0) return `must be one of ${listOf(issue.options)}`;
      return 'does not match any accepted form';
    case 'invalid_key':
      return 'has a key that is not accepted';
    case 'invalid_element':
      return 'has an item that is not valid';
    default:
      return 'is not valid';
  }
}

/** zod parse options that write every message this module's way: `schema.safeParse(value, PERSON_MESSAGES)`. */
export const PERSON_MESSAGES = { error: (issue: z.core.$ZodRawIssue): string => issueMessage(issue as SchemaIssue) };

/** `['rows', 2, 'sku']` → `rows[2].sku`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** The branch of a failed union that got furthest: the one that did not fail on the value's type. */
function closestBranch(branches: readonly (readonly SchemaIssue[])[]): readonly SchemaIssue[] | undefined {
  const shaped = branches.filter(
    (branch) => branch.length > 0 && !branch.every((issue) => issue.code === 'invalid_type' && !issue.path?.length),
  );
  return shaped.length === 1 ? shaped[0] : undefined;
}

function expand(issue: SchemaIssue, prefix: readonly PropertyKey[], out: FieldProblem[]): void {
  const path = [...prefix, ...(issue.path ?? [])];
  if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
    const branch = closestBranch(issue.errors);
    if (branch) {
      for (const inner of branch) expand(inner, path, out);
      return;
    }
    // Every branch failed on the value's type: name the types it may have.
    const types = issue.errors
      .flatMap((inner) => inner.filter((entry) => entry.code === 'invalid_type' && !entry.path?.length))
      .map((entry) => entry.expected)
      .filter((type): type is string => type !== undefined && type !== 'undefined' && type !== 'never');
    if (types.length > 0) {
      out.push({ field: fieldPath(path), message: `must be ${[...new Set(types)].map(typeName).join(' or ')}` });
      return;
    }
  }
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    for (const key of issue.keys)
      out.push({ field: fieldPath([...path, key]), message: 'is not a field this accepts' });
    return;
  }
  const message = issue.message && !ZOD_WORDING.test(issue.message) ? issue.message : issueMessage(issue);
  out.push({ field: fieldPath(path), message });
}

/**
 * Each issue as a field and a fragment; unions and unknown keys become one problem per field, and
 * a field with several problems is reported by its first (an empty token is "required", not also
 * "too short" and "must not contain spaces"), so a schema lists its checks from the most basic.
 */
export function describeIssues(issues: readonly SchemaIssue[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) expand(issue, [], problems);
  const seen = new Set<string>();
  return problems.filter((problem) => {
    if (problem.field === '') return true;
    if (seen.has(problem.field)) return false;
    seen.add(problem.field);
    return true;
  });
}

const SHOWN_PROBLEMS = 3;

/**
 * One sentence per problem, for the error body's `message`: "access_token is required", and for the
 * value as a whole `subject` ("The request body must be a JSON object").
 */
export function summarize(problems: readonly FieldProblem[], subject: string): string {
  if (problems.length === 0) return `${subject} is not valid.`;
  const sentences = problems
    .slice(0, SHOWN_PROBLEMS)
    .map((problem) => `${problem.field || subject} ${problem.message}`);
  const more = problems.length - SHOWN_PROBLEMS;
  const rest = more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'} (see details.issues)` : '';
  return `${sentences.join('; ')}${rest}.`;
}
