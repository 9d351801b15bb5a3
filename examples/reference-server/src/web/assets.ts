import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Variant } from '@pos/integrations-core';

/** The folder holding `@pos/web-components`' prebuilt browser bundles. */
export function webComponentsBundleDir(): string {
  const manifest = createRequire(import.meta.url).resolve('@pos/web-components/package.json');
  return join(dirname(manifest), 'dist', 'browser');
}

/** The prebuilt bundle of one variant, in that folder. */
export function webComponentsBundleFile(variant: Variant): string {
  return variant === 'full' ? 'pos-web-components.js' : `pos-web-components-${variant}.js`;
}

export function webComponentsBundleBuilt(): boolean {
  const dir = webComponentsBundleDir();
  return (['lite', 'export', 'full'] as const).every((variant) =>
    existsSync(join(dir, webComponentsBundleFile(variant))),
  );
}
