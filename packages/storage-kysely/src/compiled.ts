import { type Compilable, type CompiledQuery, createQueryId, type Kysely, type QueryResult } from 'kysely';

const compiled = new Map<string, CompiledQuery>();

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, index) => Object.is(value, b[index]));
}

/**
 * Runs a query of fixed shape that is built and compiled once per dialect and `name`, then only
 * gets new parameters: building and compiling a Kysely query costs more than SQLite takes to run
 * a small one, and the webhook path runs the same few queries for every delivery. `parameters`
 * are the values `build` binds, in its order; the first run checks that they are.
 */
export function runCompiled<R>(
  // biome-ignore lint/suspicious/noExplicitAny: the cache serves every table of the schema.
  db: Kysely<any>,
  name: string,
  parameters: readonly unknown[],
  build: () => Compilable<R>,
): Promise<QueryResult<R>> {
  const key = `${db.getExecutor().adapter.constructor.name}:${name}`;
  let query = compiled.get(key) as CompiledQuery<R> | undefined;
  if (!query) {
    query = build().compile();
    if (!sameValues(query.parameters, parameters)) {
      throw new Error(`The parameters given for the compiled query "${name}" are not the ones it binds.`);
    }
    compiled.set(key, query);
  }
  return db.executeQuery<R>({ ...query, parameters, queryId: createQueryId() });
}
