import { addStrings } from '../strings.js';

/** The Data Manager's texts; `setStrings` replaces them like any other. */
export const dataManagerStrings = {
  seedLegend: 'Generate sample data',
  seedCount: 'Rows',
  seed: 'Generate',
  seeding: 'Generating…',
  uploadLegend: 'Import a CSV file',
  preset: 'Format',
  presetName: (preset: string) =>
    (
      ({
        '': 'Detect from the header',
        pos: 'POS Integrations columns',
        shopify: 'Shopify export',
        woocommerce: 'WooCommerce export',
        square: 'Square export',
      }) as Record<string, string>
    )[preset] ?? preset,
  chooseFile: 'Choose a CSV file',
  dropHint: 'or drop it here',
  uploading: (file: string) => `Sending ${file}…`,
  batchesLabel: 'Batches',
  noBatches: 'No batches yet: generate sample data or import a file.',
  columnBatch: 'Batch',
  columnStatus: 'Status',
  columnRows: 'Rows',
  columnStarted: 'Started',
  columnActions: 'Actions',
  batchKind: (type: string, entity: string) =>
    `${({ seed: 'Sample data', upload: 'Import', purge: 'Purge' } as Record<string, string>)[type] ?? type} · ${entity}`,
  batchPreset: (preset: string) => `read as ${preset}`,
  batchStatusProcessing: 'Processing',
  batchStatusPending: 'Waiting',
  batchStatusCompleted: 'Completed',
  batchStatusFailed: 'Failed',
  batchStatusPurged: 'Purged',
  progressLabel: (entity: string) => `${entity} import progress`,
  progressRows: (count: string) => `${count} rows read`,
  progressFinishing: 'Finishing…',
  batchStarted: (kind: string) => `${kind} started.`,
  batchCompleted: (kind: string, count: string) => `${kind} completed: ${count} rows.`,
  /** The split of a seed's or import's rows; `null` counts are left out. */
  batchCounts: (inserted: string, updated: string, unchanged: string) =>
    `${inserted} new · ${updated} updated · ${unchanged} unchanged`,
  batchFailed: (kind: string) => `${kind} failed; nothing was written.`,
  rowErrorsLabel: 'Problems found',
  columnRow: 'Row',
  columnColumn: 'Column',
  columnProblem: 'Problem',
  wholeRow: '(whole row)',
  moreRowErrors: (count: string) => `…and ${count} more.`,
  unknownColumns: (columns: string) => `Not imported (unknown columns): ${columns}`,
  purge: 'Purge',
  purging: 'Purging…',
  confirmPurgeTitle: 'Purge this batch?',
  confirmPurgeCounting: 'Counting the rows this purge would delete…',
  confirmPurgeBody: (removes: string, keeps: number, keepsText: string, entity: string) =>
    `${removes} ${entity.toLowerCase()} this batch added will be deleted.` +
    (keeps > 0 ? ` ${keepsText} others it added stay, because a later batch imported them again.` : '') +
    ' Those it only updated keep their current values.',
  confirmPurge: 'Purge',
  purgeDone: (count: string, entity: string) => `Purged: ${count} ${entity.toLowerCase()} deleted.`,

  providerImportLegend: (name: string) => `Import from ${name}`,
  providerImportEntity: 'Data to import',
  providerImport: (name: string) => `Import from ${name}`,
  providerImporting: 'Importing…',
  providerImportKind: (name: string, entity: string) => `${name} import · ${entity}`,
  /** The checkbox: `entity` is the entity's name in lower case ("products"). */
  removeMissing: (entity: string, name: string) => `Remove ${entity} ${name} no longer has`,
  /** What the checkbox removes; `found` is what the last import from the provider found (null: never imported). */
  removeMissingHint: (entity: string, name: string, found: number | null, foundText: string, examples: string) =>
    found === null
      ? `Deletes from this POS the ${entity} imported from ${name} before that ${name} no longer has. Unchecked, they stay and the import lists them.`
      : found === 0
        ? `The last import from ${name} found none missing: only ${entity} ${name} has deleted since would be removed.`
        : `Missing at ${name} at the last import: ${foundText} (${examples}). Checked, they are deleted from this POS, with any ${name} has deleted since.`,
  progressOf: (done: string, total: string) => `${done} of ${total} rows read`,
  batchMissing: (count: string, name: string) => `${count} no longer at ${name}`,
  batchRemoved: (count: string, name: string) => `${count} removed (no longer at ${name})`,
  missingLabel: (name: string) => `No longer at ${name}`,
  missingIntro: (count: string, entity: string, name: string, removed: boolean) =>
    removed
      ? `No longer at ${name}: ${count}. They were removed from this POS.`
      : `No longer at ${name}: ${count}. They are kept here; import again with "Remove ${entity} ${name} no longer has" checked to delete them.`,
  columnKey: (entity: string) => (entity === 'products' ? 'SKU' : 'Id'),
  columnName: 'Name',
  unnamed: '(no name)',
  /** The row problems' first column for a provider import: the provider's id of the object. */
  columnRef: (name: string) => `${name} id`,
};

export type DataManagerStrings = typeof dataManagerStrings;

addStrings(dataManagerStrings);
