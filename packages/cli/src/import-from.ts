import type { Batches, DataBatch, Integrations } from '@pos/integrations-core';
import type { Command, CommandContext } from './command.js';
import { openDataManager, TENANT_OPTION } from './data-manager.js';
import { formatRows, type Progress, progressBar } from './progress.js';
import { CATALOGUE_PROVIDERS, providerSettings, providerWiring } from './providers.js';
import { EXIT, UsageError } from './usage.js';

const SHOWN_ROW_ERRORS = 10;
const SHOWN_MISSING = 10;
/** How often the running batch is read for the progress bar. */
const POLL_MS = 200;

export const importFrom: Command = {
  name: 'import-from',
  summary: "import a connected provider's catalogue into the Data Manager as one batch",
  arguments: ['<provider>'],
  options: {
    tenant: TENANT_OPTION,
    entity: {
      type: 'string',
      short: 'e',
      value: 'type',
      description: 'what to import: products (default) or customers, where the provider keeps them',
    },
    'remove-missing': {
      type: 'boolean',
      description:
        'delete the rows last imported from the provider that it no longer has (without it they are kept and listed)',
    },
  },
  help: `<provider> is ${CATALOGUE_PROVIDERS.join(', ')}: one the tenant connected through the server. Its
catalogue is read page by page with the stored credentials and written in one transaction,
exactly like "POST /api/data-manager/import-from/<provider>": all rows or, if any row is
invalid, none (each problem names the provider's object id). A second import of an unchanged
catalogue changes nothing; stock is written only where the provider reported a count.

Rows imported from the provider before that it no longer has are counted and the first
${SHOWN_MISSING} listed; --remove-missing deletes them. Prints the batch id, which the server's
DELETE /api/data-manager/batches/<id> purges. Exits 1 when the import fails.

The stored credentials are opened with the server's key ring, and the provider is configured
as the reference server configures it, from the environment:

  POS_ENCRYPTION_KEY            the server's active key (POS_ENCRYPTION_PREVIOUS_KEYS the old ones)
  POS_ALLOWED_PRIVATE_HOSTS     host:port entries a store may be at although private
${providerSettings()}`,
  async run(context) {
    const [provider, ...extra] = context.positionals;
    if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
    if (!provider) throw new UsageError(`Name the provider: ${CATALOGUE_PROVIDERS.join(', ')}.`);
    const opened = await openDataManager(context, await providerWiring(provider, context.env));
    try {
      return await importCatalogue(context, opened, provider);
    } finally {
      await opened.integrations.close();
    }
  },
};

/**
 * Imports `provider`'s catalogue for the tenant with the progress bar, and reports the counts,
 * the rows the provider no longer has, or the problems. Resolves with the exit code.
 */
export async function importCatalogue(
  context: CommandContext,
  { integrations, batches, tenant }: { integrations: Integrations; batches: Batches; tenant: string },
  provider: string,
): Promise<number> {
  const catalogue = integrations.catalogue;
  if (!catalogue) throw new UsageError('This database offers no Data Manager to import a catalogue into.');
  const source = catalogue.sources().find((candidate) => candidate.provider === provider);
  if (!source) throw new UsageError(`${provider} offers no catalogue to import.`);
  const asked = context.values.entity as string | undefined;
  const entityType = asked ?? (source.entityTypes.includes('products') ? 'products' : source.entityTypes[0]);
  if (!entityType || !source.entityTypes.includes(entityType)) {
    throw new UsageError(
      `${source.name} offers ${source.entityTypes.join(' and ')} to import, not "${asked}": use --entity ${source.entityTypes.join(' or ')}.`,
    );
  }
  const started = Date.now();
  const run = await catalogue.import(tenant, provider, {
    entityType,
    removeMissing: context.values['remove-missing'] === true,
  });
  const batch = await withProgress(
    context,
    batches,
    tenant,
    run.batch.id,
    run.done,
    `import ${entityType} from ${source.name}`,
  );
  if (batch.status !== 'completed') {
    reportFailure(context, batch, source.name);
    return EXIT.failed;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  context.stdout.write(
    `Imported ${batch.record_count} ${entityType} for tenant ${tenant} from ${source.name} in ${seconds} s: batch ${batch.id}.\n` +
      `${batch.inserted_count ?? 0} inserted, ${batch.updated_count ?? 0} updated, ${batch.unchanged_count ?? 0} unchanged.\n`,
  );
  reportMissing(context, batch, source.name);
  return EXIT.ok;
}

/** Waits for the batch, reading its progress (processed of the provider's total) meanwhile. */
async function withProgress(
  context: CommandContext,
  batches: Batches,
  tenant: string,
  id: string,
  done: Promise<DataBatch>,
  label: string,
): Promise<DataBatch> {
  let bar: Progress | undefined;
  let finished = false;
  const result = done.finally(() => {
    finished = true;
  });
  while (!finished) {
    await Promise.race([result, new Promise((resolve) => setTimeout(resolve, POLL_MS))]);
    if (finished) break;
    const current = await batches.get(tenant, id).catch(() => undefined);
    if (!current || (current.total_count === null && current.processed_count === 0)) continue;
    bar ??= progressBar(context.progress, { label, total: current.total_count ?? undefined, format: formatRows });
    bar.update(current.processed_count);
  }
  const batch = await result;
  if (bar && batch.status === 'completed') bar.update(batch.processed_count);
  bar?.finish();
  return batch;
}

function reportFailure(context: CommandContext, batch: DataBatch, name: string): void {
  const reason = batch.error_message ?? 'the batch failed.';
  const nothing = /nothing was imported/i.test(reason) ? '' : ' Nothing was imported.';
  context.stderr.write(`Import from ${name} failed: ${reason}${nothing}\n`);
  for (const error of batch.errors.slice(0, SHOWN_ROW_ERRORS)) {
    const where = error.ref ? `${name} ${error.ref}` : `row ${error.row}`;
    context.stderr.write(`  ${where}${error.column ? `, ${error.column}` : ''}: ${error.message}\n`);
  }
  if (batch.error_count > SHOWN_ROW_ERRORS) {
    context.stderr.write(`  … and ${batch.error_count - SHOWN_ROW_ERRORS} more\n`);
  }
  context.stderr.write(`Batch ${batch.id} (failed).\n`);
}

/** The rows the provider no longer has: how many, whether they went, and the first of them. */
function reportMissing(context: CommandContext, batch: DataBatch, name: string): void {
  const missing = batch.missing_count ?? 0;
  if (missing === 0) {
    context.stdout.write(`Nothing imported from ${name} before is missing there.\n`);
    return;
  }
  context.stdout.write(
    batch.remove_missing
      ? `No longer at ${name}: ${missing}, removed:\n`
      : `No longer at ${name}: ${missing}, kept (--remove-missing deletes them):\n`,
  );
  const shown = batch.missing.slice(0, SHOWN_MISSING);
  const width = Math.max(...shown.map((row) => row.key.length));
  for (const row of shown) {
    const line = `  ${row.key.padEnd(width)}  ${row.name ?? ''}`;
    context.stdout.write(`${line.trimEnd()}\n`);
  }
  if (missing > shown.length) context.stdout.write(`  … and ${missing - shown.length} more\n`);
}
