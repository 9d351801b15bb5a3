import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The folder holding `@pos/web-components`' prebuilt browser bundles. */
export function webComponentsBundleDir(): string {
  const manifest = createRequire(import.meta.url).resolve('@pos/web-components/package.json');
  return join(dirname(manifest), 'dist', 'browser');
}

export function webComponentsBundleBuilt(): boolean {
  return existsSync(join(webComponentsBundleDir(), 'pos-web-components.js'));
}
