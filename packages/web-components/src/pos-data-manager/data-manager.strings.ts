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
};

export type DataManagerStrings = typeof dataManagerStrings;

addStrings(dataManagerStrings);
