import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import every workspace package from its source, so they never run against a stale build.
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@pos\/integrations-core\/(connector|storage|testing)$/,
        replacement: source('./packages/core/src/$1.ts'),
      },
      { find: /^@pos\/integrations-core$/, replacement: source('./packages/core/src/index.ts') },
      { find: /^@pos\/storage-kysely$/, replacement: source('./packages/storage-kysely/src/index.ts') },
      { find: /^@pos\/storage-sqlite$/, replacement: source('./packages/storage-sqlite/src/index.ts') },
      { find: /^@pos\/storage-postgres$/, replacement: source('./packages/storage-postgres/src/index.ts') },
      { find: /^@pos\/server-express$/, replacement: source('./packages/server-express/src/index.ts') },
      {
        find: /^@pos\/server-express\/(lite|export|full)$/,
        replacement: source('./packages/server-express/src/$1.ts'),
      },
      { find: /^@pos\/connector-square$/, replacement: source('./packages/connectors/square/src/index.ts') },
      { find: /^@pos\/connector-stripe$/, replacement: source('./packages/connectors/stripe/src/index.ts') },
      { find: /^@pos\/connector-clover$/, replacement: source('./packages/connectors/clover/src/index.ts') },
      {
        find: /^@pos\/connector-quickbooks$/,
        replacement: source('./packages/connectors/quickbooks/src/index.ts'),
      },
      { find: /^@pos\/connector-supabase$/, replacement: source('./packages/connectors/supabase/src/index.ts') },
      {
        find: /^@pos\/connector-woocommerce$/,
        replacement: source('./packages/connectors/woocommerce/src/index.ts'),
      },
      { find: /^@pos\/web-components$/, replacement: source('./packages/web-components/src/index.ts') },
      { find: /^@pos\/simulators$/, replacement: source('./packages/simulators/src/index.ts') },
      { find: /^@pos\/simulators\/msw$/, replacement: source('./packages/simulators/src/msw.ts') },
      { find: /^@pos\/reference-server$/, replacement: source('./examples/reference-server/src/index.ts') },
      { find: /^@pos\/test-support$/, replacement: source('./test-support/src/index.ts') },
    ],
  },
  test: {
    include: [
      'packages/**/test/**/*.test.ts',
      'examples/**/test/**/*.test.ts',
      'test-support/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
