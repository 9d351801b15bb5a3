import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { startPostgresCluster } from '../src/index.js';

it('starts a throwaway PostgreSQL cluster that answers queries, and removes it', async () => {
  const cluster = await startPostgresCluster();
  try {
    cluster.createDatabase('pos_check');
    const answer = execFileSync('psql', [cluster.urlFor('pos_check'), '-tAc', 'select 40 + 2'], { encoding: 'utf8' });
    expect(answer.trim()).toBe('42');
  } finally {
    cluster.stop();
  }
  expect(() => execFileSync('psql', [cluster.url, '-tAc', 'select 1'], { stdio: 'ignore' })).toThrow();
});
