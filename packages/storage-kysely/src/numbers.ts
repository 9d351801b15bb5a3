/**
 * A whole number read back from any dialect. node-postgres returns `bigint` columns and
 * `count(*)` as strings (JavaScript numbers cannot hold every int8), SQLite returns numbers, and
 * Kysely reports affected rows as bigint: every numeric read in a store goes through here.
 */
export function readInteger(value: number | string | bigint): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`Expected a whole number, read ${String(value)}.`);
  return number;
}
