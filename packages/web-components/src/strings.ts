import type { DataManagerStrings } from './pos-data-manager/data-manager.strings.js';
import type { EventLogStrings } from './pos-integration-logs-drawer/event-log.strings.js';
import type { CheckoutStrings } from './pos-stripe-checkout-button/checkout.strings.js';

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
  summaryEmpty: 'No account details to show yet.',
  /**
   * Your own names for summary fields, by field (`{ charges_enabled: 'Kartenzahlungen' }`); they
   * win over the labels the connector declares.
   */
  fieldLabels: {
    // The sync figures core adds to a sync target's summary.
    last_sync_at: 'Last sync',
    pending_queue_count: 'Changes waiting to sync',
    failed_queue_count: 'Changes the target refused',
    reachable: 'Reachable now',
  } as Record<string, string>,
  yes: 'Yes',
  no: 'No',

  credentialsLegend: (name: string) => `${name} credentials`,
  secretHint: 'Stored encrypted on the server; never shown again.',
  optionDefault: 'Not set',
  checkFields: 'Check the fields marked above.',
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
  importCatalogue: 'Import catalogue',
  resync: 'Push everything again',
  resyncing: 'Queuing…',
  confirmResyncTitle: (name: string) => `Push everything to ${name} again?`,
  confirmResyncBody: (name: string) =>
    `Every product, customer and payment this POS holds is queued and sent to ${name} again, replacing the rows there with the POS's values. Rows that exist only in ${name} stay. Large catalogues take a while: the pending count shows the progress.`,
  confirmResync: 'Push everything again',
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

  exportLegend: 'Export to CSV',
  exportDownload: 'Download CSV',
  exporting: 'Preparing the file…',
  exported: (filename: string, bytes: number) =>
    `Downloaded ${filename} (${bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`}).`,
  exportFailed: (reason: string) => `The export failed: ${reason}`,

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
  recordPayment: 'Record payment',

  entityType: 'Data',
  entityName: (type: string) =>
    (({ products: 'Products', customers: 'Customers' }) as Record<string, string>)[type] ?? type,
};

/**
 * Every text, the full build's elements included. The Data Manager's and the checkout button's
 * texts live beside those elements and join {@link strings} when their modules load, so the lite
 * and export bundles do not carry them.
 */
export type PosStrings = typeof defaultStrings & DataManagerStrings & CheckoutStrings & EventLogStrings;

export const strings = { ...defaultStrings } as PosStrings;

const replaced = new Set<string>();

/** Replaces some or all texts, e.g. `setStrings({ save: 'Enregistrer' })`. */
export function setStrings(overrides: Partial<PosStrings>): void {
  for (const key of Object.keys(overrides)) replaced.add(key);
  Object.assign(strings, overrides);
}

/** Adds an element's own default texts; a text the host already replaced stays replaced. */
export function addStrings(defaults: Partial<PosStrings>): void {
  for (const [key, value] of Object.entries(defaults)) {
    if (!replaced.has(key)) (strings as Record<string, unknown>)[key] = value;
  }
}

/** `location_name` → "Location name", `CREDIT_CARD_PROCESSING` → "Credit card processing". */
export function inWords(name: string): string {
  const words = name.replace(/_/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "Jun 3, 2025, 10:04:12 AM" in the reader's locale and time zone. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}
