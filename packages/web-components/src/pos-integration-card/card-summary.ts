import { html, nothing } from 'lit';
import type { IntegrationStatus } from '../api-client.js';
import { formatTimestamp, inWords, strings } from '../strings.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const ENUM_WORD = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

/** A summary value as a person reads it: dates in their locale, yes/no, enumerations as words. */
function displayValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(displayValue).join(', ');
  if (typeof value === 'boolean') return value ? strings.yes : strings.no;
  if (typeof value === 'string' && ISO_TIME.test(value)) return formatTimestamp(value);
  if (typeof value === 'string' && ENUM_WORD.test(value)) return inWords(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** The host's name for a field, else the connector's, else the field's name in words. */
function labelOf(key: string, labels: Readonly<Record<string, string>> | undefined): string {
  return strings.fieldLabels[key] ?? labels?.[key] ?? inWords(key);
}

/**
 * A connected provider's live account summary as a description list, or why it is missing.
 * Rendered in `<pos-integration-card>`'s shadow root, so its parts are the card's.
 */
export function cardSummary(
  name: string,
  summary: Record<string, unknown> | undefined,
  error: string,
  labels?: Readonly<Record<string, string>>,
) {
  if (error) {
    return html`<p part="error" class="notice error">${strings.summaryFailed(error)}</p>`;
  }
  if (!summary) return nothing;
  const entries = Object.entries(summary).filter(
    ([, value]) =>
      value !== null && value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0),
  );
  if (entries.length === 0) {
    return html`<slot name="summary-empty"><p part="summary-empty" class="meta">${strings.summaryEmpty}</p></slot>`;
  }
  return html`<dl part="summary" aria-label=${strings.summaryLabel(name)}>
    ${entries.map(([key, value]) => html`<dt>${labelOf(key, labels)}</dt><dd>${displayValue(value)}</dd>`)}
  </dl>`;
}

/**
 * Keeps a card's summary current: asks the server once per connection (a new `connected_at`),
 * again when told to, and clears it while the provider is not connected.
 */
export class SummaryLoader {
  #for: string | undefined;

  readonly #load: () => Promise<Record<string, unknown>>;
  readonly #show: (summary: Record<string, unknown> | undefined, error: string) => void;

  constructor(
    load: () => Promise<Record<string, unknown>>,
    show: (summary: Record<string, unknown> | undefined, error: string) => void,
  ) {
    this.#load = load;
    this.#show = show;
  }

  sync(status: IntegrationStatus | undefined): void {
    if (!status?.connected) {
      this.#for = undefined;
      this.#show(undefined, '');
      return;
    }
    const key = `${status.connected_at}`;
    if (this.#for === key) return;
    this.#for = key;
    this.#load().then(
      (summary) => this.#show(summary, ''),
      (error: unknown) => this.#show(undefined, error instanceof Error ? error.message : String(error)),
    );
  }

  /** Asks again even if the connection is the same one. */
  reload(status: IntegrationStatus | undefined): void {
    this.#for = undefined;
    this.sync(status);
  }
}
