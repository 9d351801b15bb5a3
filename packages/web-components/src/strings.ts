/**
 * Every text the elements show, in one place. Translate by calling {@link setStrings} with the
 * entries to replace before the elements render; functions receive the values they interpolate.
 */
export const defaultStrings = {
  loading: 'Loading…',
  loadFailed: (reason: string) => `Could not load: ${reason}`,
  integrationsLabel: 'Integrations',

  statusConnected: 'Connected',
  statusDisconnected: 'Not connected',
  statusError: 'Error',
  statusReconnect: 'Reconnect needed',
  reconnectExplained: (name: string) => `${name} no longer accepts the stored credentials. Connect again to resume.`,
  lastError: (message: string) => `Last error: ${message}`,
  lastTested: (when: string) => `Last tested ${when}`,
  connectedSince: (when: string) => `Connected ${when}`,
  summaryLabel: (name: string) => `${name} account`,
  summaryFailed: (reason: string) => `The account details could not be read: ${reason}`,

  credentialsLegend: (name: string) => `${name} credentials`,
  secretHint: 'Stored encrypted on the server; never shown again.',
  optionDefault: 'Default',
  save: 'Save and connect',
  saving: 'Connecting…',
  connect: (name: string) => `Connect ${name}`,
  connecting: 'Waiting for the provider…',
  popupBlocked: 'The sign-in window was blocked; continuing in this page.',
  oauthConnected: (name: string) => `${name} connected.`,
  oauthFailed: (name: string, code: string) => `${name} was not connected (${code}).`,
  test: 'Test connection',
  testing: 'Testing…',
  viewLogs: 'View logs',
  disconnect: 'Disconnect',
  disconnecting: 'Disconnecting…',
  confirmDisconnectTitle: (name: string) => `Disconnect ${name}?`,
  confirmDisconnectBody: (name: string) =>
    `The stored ${name} credentials are deleted from this server. You can connect again later.`,
  confirmDisconnect: 'Disconnect',
  cancel: 'Cancel',
  dismiss: 'Dismiss',

  logsTitle: (name: string) => `${name} logs`,
  close: 'Close',
  filterLevel: 'Level',
  filterEvent: 'Event',
  allLevels: 'All levels',
  allEvents: 'All events',
  levelInfo: 'Info',
  levelWarning: 'Warning',
  levelError: 'Error',
  noLogs: 'No log entries match.',
  loadMore: 'Load more',
  details: 'Details',

  paymentMethodLabel: 'Payment method',
  methodCash: 'Cash',
  methodCard: 'Card',
  methodCheck: 'Check',
  methodOther: 'Other',
  methodSplit: 'Split payment',
  total: (amount: string) => `Total ${amount}`,
  splitLegend: 'Split between',
  splitMethod: (index: number) => `Payment ${index} method`,
  splitAmount: (index: number) => `Payment ${index} amount`,
  addSplit: 'Add payment',
  removeSplit: (index: number) => `Remove payment ${index}`,
  splitBalanced: 'The payments add up to the total.',
  splitRemaining: (amount: string) => `${amount} left to assign.`,
  splitOver: (amount: string) => `${amount} more than the total.`,
  splitInvalidAmount: (index: number) => `Payment ${index}: enter an amount such as 12.50.`,

  entityType: 'Data',
  entityName: (type: string) =>
    (({ products: 'Products', customers: 'Customers' }) as Record<string, string>)[type] ?? type,
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
  confirmPurgeBody: (count: string, entity: string) =>
    `The ${count} ${entity.toLowerCase()} rows this batch wrote are deleted. Other batches keep theirs.`,
  confirmPurge: 'Purge',
  purgeDone: (count: string, entity: string) => `Purged: ${count} ${entity.toLowerCase()} rows deleted.`,

  checkoutPay: (amount: string) => `Pay ${amount} by card`,
  checkoutCreating: 'Opening the checkout…',
  checkoutScan: (amount: string) => `Scan to pay ${amount}, or open the checkout page.`,
  checkoutQrLabel: 'QR code of the checkout link',
  checkoutOpen: 'Open the checkout page',
  checkoutWaiting: 'Waiting for the payment…',
  checkoutExpires: (when: string) => `The link expires ${when}.`,
  checkoutProcessing: 'The customer finished checkout; the payment is on its way.',
  checkoutPaid: (amount: string) => `Paid ${amount}.`,
  checkoutExpired: 'The checkout expired or was cancelled.',
  checkoutFailed: 'The payment failed.',
  checkoutAgain: 'Start a new checkout',
};

export type PosStrings = typeof defaultStrings;

export const strings: PosStrings = { ...defaultStrings };

/** Replaces some or all texts, e.g. `setStrings({ save: 'Enregistrer' })`. */
export function setStrings(overrides: Partial<PosStrings>): void {
  Object.assign(strings, overrides);
}

/** "Jun 3, 2025, 10:04:12 AM" in the reader's locale and time zone. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}
