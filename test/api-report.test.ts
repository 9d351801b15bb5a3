/**
 * The public surface of `@pos/integrations-core` is reviewed name by name: `packages/core/api/`
 * holds API Extractor's report of each entry point, and this test fails when the built
 * declarations say otherwise (`npm test` builds first). `npm run api:report` rewrites the reports.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'api-report-test-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function report(...args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/api-report.mjs', '--check', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

it('the checked-in API reports match the built declarations of every entry point', () => {
  const { status, output } = report();
  expect(output).not.toContain('differs');
  expect(status, output).toBe(0);
  for (const entry of ['', '/connector', '/storage', '/testing']) {
    expect(output).toContain(`@pos/integrations-core${entry}: matches`);
  }
}, 300_000);

it('a report that differs from the build fails, saying to run npm run api:report', () => {
  const reports = join(scratch, 'api');
  cpSync(join(root, 'packages/core/api'), reports, { recursive: true });
  const connector = join(reports, 'connector.api.md');
  writeFileSync(connector, readFileSync(connector, 'utf8').replace(/^export function withRetries.*$/m, ''));
  writeFileSync(join(reports, 'gone.api.md'), '');
  const { status, output } = report('--reports', reports);
  expect(status).toBe(1);
  expect(output).toContain('@pos/integrations-core/connector: ');
  expect(output).toContain('gone.api.md (no such entry point)');
  expect(output).toContain('Run `npm run api:report`');
  expect(output).toContain('@pos/integrations-core: matches');
}, 300_000);
