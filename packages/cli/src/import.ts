import { createReadStream, statSync } from 'node:fs';
import type { Command } from './command.js';
import { openDataManager, requireEntity, TENANT_OPTION } from './data-manager.js';
import { formatBytes, progressBar } from './progress.js';
import { EXIT, UsageError } from './usage.js';

const SHOWN_ROW_ERRORS = 10;
/** Core's `PRESET_IDS`, here so that --help does not load core (a test keeps them equal). */
export const PRESETS = ['shopify', 'woocommerce', 'square', 'pos'];
/** Core's `DECIMAL_MARKS`, for the same reason. */
export const DECIMALS = ['point', 'comma'] as const;
/** Core's `IMPORT_MODES`, for the same reason. */
export const MODES = ['upsert', 'insert_only'] as const;

export const importCsv: Command = {
  name: 'import',
  summary: 'import a CSV file into the Data Manager as one batch',
  arguments: ['<entity>', '<file.csv>'],
  options: {
    tenant: TENANT_OPTION,
    preset: {
      type: 'string',
      short: 'p',
      value: 'name',
      description: `the file's format: ${PRESETS.join(', ')} (default: detected from the header)`,
    },
    currency: {
      type: 'string',
      value: 'code',
      description: 'currency of prices in files that name none (default USD)',
    },
    decimal: {
      type: 'string',
      value: 'mark',
      description:
        'how the file writes amounts: point (12.50) or comma (12,50); default comma when the header is separated by ";", else point',
    },
    mode: {
      type: 'string',
      value: 'mode',
      description:
        "upsert (default): a row whose key exists (a product's SKU, a customer's id or e-mail) updates it; insert_only: such a row fails the import",
    },
  },
  help: `<entity> is products or customers (or an entity type your server registers). The file is
streamed, every row validated, and written in one transaction: all of its rows or, if any row is
invalid, none. A row whose key the tenant already has (a product's SKU; a customer's id, or
e-mail when the row has no id) updates that row, or changes nothing when equal (--mode upsert,
the default); with --mode insert_only it fails the import. A key twice in one file is a row error. Presets read Shopify, WooCommerce and Square exports as well as our own columns
(what "pos-integrations export" writes). Prints the batch id, which the server's
DELETE /api/data-manager/batches/<id> purges. Exits 1 when the batch fails, listing the first
row errors (the header is row 1).`,
  async run(context) {
    const [entityArgument, file, ...extra] = context.positionals;
    if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
    if (!file) throw new UsageError('Name the CSV file to import.');
    const stats = statSync(file, { throwIfNoEntry: false });
    if (!stats?.isFile()) throw new UsageError(`${file} is not a file.`);
    const preset = context.values.preset as string | undefined;
    if (preset !== undefined && !PRESETS.includes(preset)) {
      throw new UsageError(`Unknown preset "${preset}": use ${PRESETS.join(', ')}.`);
    }
    const currency = context.values.currency as string | undefined;
    const decimal = context.values.decimal as string | undefined;
    if (decimal !== undefined && !isDecimal(decimal)) {
      throw new UsageError(`Unknown --decimal "${decimal}": use point (12.50) or comma (12,50).`);
    }

    const mode = context.values.mode as string | undefined;
    if (mode !== undefined && !(MODES as readonly string[]).includes(mode)) {
      throw new UsageError(`Unknown --mode "${mode}": use upsert or insert_only.`);
    }

    const { integrations, batches, tenant } = await openDataManager(context);
    try {
      const entity = requireEntity(batches, entityArgument);
      const bar = progressBar(context.progress, { label: `import ${entity}`, total: stats.size, format: formatBytes });
      let read = 0;
      async function* chunks(): AsyncGenerator<Buffer> {
        for await (const chunk of createReadStream(file as string, { highWaterMark: 64 * 1024 })) {
          read += (chunk as Buffer).length;
          bar.update(read);
          yield chunk as Buffer;
        }
      }
      const started = Date.now();
      const run = await batches.upload(tenant, {
        entityType: entity,
        source: chunks(),
        totalBytes: stats.size,
        ...(preset !== undefined ? { preset } : {}),
        ...(currency !== undefined ? { currency } : {}),
        ...(decimal !== undefined ? { decimal } : {}),
        ...(mode !== undefined ? { mode: mode as (typeof MODES)[number] } : {}),
      });
      const batch = await run.done;
      bar.finish();
      if (batch.status !== 'completed') {
        context.stderr.write(`Import failed: ${batch.error_message ?? 'the batch failed'} Nothing was imported.\n`);
        for (const error of batch.errors.slice(0, SHOWN_ROW_ERRORS)) {
          context.stderr.write(`  row ${error.row}${error.column ? `, ${error.column}` : ''}: ${error.message}\n`);
        }
        if (batch.error_count > SHOWN_ROW_ERRORS) {
          context.stderr.write(`  … and ${batch.error_count - SHOWN_ROW_ERRORS} more\n`);
        }
        context.stderr.write(`Batch ${batch.id} (failed).\n`);
        return EXIT.failed;
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      context.stdout.write(
        `Imported ${batch.record_count} ${entity} for tenant ${tenant} from ${file} (preset ${batch.preset}) in ${seconds} s: batch ${batch.id}.\n` +
          `${batch.inserted_count ?? 0} inserted, ${batch.updated_count ?? 0} updated, ${batch.unchanged_count ?? 0} unchanged.\n`,
      );
      if (batch.unknown_columns.length > 0) {
        context.stdout.write(`Columns not imported (unknown to the preset): ${batch.unknown_columns.join(', ')}.\n`);
      }
      return EXIT.ok;
    } finally {
      await integrations.close();
    }
  },
};

function isDecimal(value: string): value is (typeof DECIMALS)[number] {
  return (DECIMALS as readonly string[]).includes(value);
}
