import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from './command.js';
import { openDataManager, requireEntity, TENANT_OPTION } from './data-manager.js';
import { formatRows, progressBar } from './progress.js';
import { EXIT, UsageError } from './usage.js';

export const exportCsv: Command = {
  name: 'export',
  summary: "write a tenant's rows of one entity type as CSV",
  arguments: ['<entity>'],
  options: {
    tenant: TENANT_OPTION,
    output: {
      type: 'string',
      short: 'o',
      value: 'file',
      description: 'write to this file instead of standard output (replaced only once complete)',
    },
  },
  help: `<entity> is products or customers (or an entity type your server registers). Writes every
row of the tenant in our own columns, the format "pos-integrations import" and the Data
Manager's upload read back (UTF-8 with a byte order mark, so spreadsheets open it as UTF-8).
The same as the server's GET /api/data-manager/export?entity_type=<entity>.`,
  async run(context) {
    const [entityArgument, ...extra] = context.positionals;
    if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
    const output = context.values.output as string | undefined;

    const { integrations, batches, tenant } = await openDataManager(context);
    try {
      const entity = requireEntity(batches, entityArgument);
      const total = await batches.count(tenant, entity);
      const bar = progressBar(context.progress, { label: `export ${entity}`, total, format: formatRows });
      let rows = 0;
      const csv = batches.exportCsv(tenant, entity, {
        onRows: (written) => {
          rows = written;
          bar.update(written);
        },
      });
      if (output === undefined || output === '-') {
        await pipeline(Readable.from(csv.chunks), context.stdout, { end: false });
      } else {
        // A partial file never takes the name: a failed export leaves the previous one in place.
        const partial = `${output}.partial-${process.pid}`;
        try {
          await pipeline(Readable.from(csv.chunks), createWriteStream(partial, { mode: 0o600 }));
          await rename(partial, output);
        } catch (error) {
          await rm(partial, { force: true });
          throw error;
        }
      }
      bar.update(rows);
      bar.finish();
      context.stderr.write(
        `Exported ${rows} ${entity} of tenant ${tenant}${output && output !== '-' ? ` to ${output}` : ''}.\n`,
      );
      return EXIT.ok;
    } finally {
      await integrations.close();
    }
  },
};
