/**
 * The connector in docs/architecture.md ("Adding a connector") is test/fixtures/example-pos.ts,
 * word for word: the example connector the conformance suite, the fifth-connector test and the
 * browser test run is the one the recipe shows.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

describe('the connector recipe', () => {
  it('shows test/fixtures/example-pos.ts as it is', () => {
    const doc = readFileSync(`${root}docs/architecture.md`, 'utf8');
    const recipe = doc.slice(doc.indexOf('## Adding a connector'));
    const block = /\n {3}```ts\n([\s\S]*?)\n {3}```\n/.exec(recipe)?.[1];
    expect(block).toBeDefined();
    const code = (block as string)
      .split('\n')
      .map((line) => line.replace(/^ {3}/, ''))
      .join('\n');
    expect(`${code}\n`).toBe(readFileSync(`${root}test/fixtures/example-pos.ts`, 'utf8'));
  });
});
