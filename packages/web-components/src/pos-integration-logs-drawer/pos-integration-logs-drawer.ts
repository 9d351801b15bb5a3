import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { ApiClientOptions, IntegrationLog, LogLevel } from '../api-client.js';
import { PosApiElement } from '../api-element.js';
import { emit } from '../events.js';
import { formatTimestamp, strings } from '../strings.js';
import { baseStyles } from '../styles.js';
import { EventLogClient, eventLogEntry } from './event-log.js';
import { drawerStyles } from './pos-integration-logs-drawer.styles.js';

/** Events the core records; events seen in loaded entries are added to the filter as they appear. */
const KNOWN_EVENTS = ['connected', 'connect_failed', 'tested', 'test_failed', 'summary_failed', 'disconnected'];

const FOCUSABLE = 'button, select, input, summary, [tabindex]:not([tabindex="-1"])';

/**
 * A provider's integration log in a side drawer: newest first, filtered by level and event, with
 * "Load more" pagination, readable local timestamps and expandable details. With
 * `source="events"` it shows the event delivery log instead: each event sent to the host
 * application, where its delivery stands, and every attempt in its details. It is a modal
 * dialog: the page behind is inert, Tab and Shift+Tab stay inside, Escape closes it.
 *
 * @summary A provider's integration log in a modal side drawer, newest first, with filters.
 * @tag pos-integration-logs-drawer
 *
 * @event pos-logs-closed - The drawer closed (Escape, the Close button or the backdrop). `detail: { provider }`
 *
 * @slot empty - Shown instead of the default "no entries" line when nothing matches. A slot forwarded into it (as a card's `logs-empty`) counts only when something is assigned to it.
 *
 * @csspart drawer - The dialog panel.
 * @csspart header - The title row.
 * @csspart title - The drawer title.
 * @csspart close-button - The Close button.
 * @csspart filters - The row of filters.
 * @csspart level-filter - The level select.
 * @csspart event-filter - The event select.
 * @csspart list - The list of entries.
 * @csspart entry - One log entry; also `entry-info`, `entry-warning` or `entry-error`.
 * @csspart timestamp - An entry's time.
 * @csspart details - An entry's expandable details.
 * @csspart load-more - The "Load more" button.
 * @csspart empty - The "no entries" message.
 *
 * @cssprop --pos-drawer-width - The drawer's width (default min(32rem, 100vw)).
 * @cssprop --pos-drawer-backdrop - The colour over the page behind.
 */
export class PosIntegrationLogsDrawer extends PosApiElement<EventLogClient> {
  static override styles = [baseStyles, drawerStyles];

  /** The provider id whose log to show. */
  @property({ reflect: true }) accessor provider = '';

  /** The provider's display name for the title; defaults to the id. */
  @property({ attribute: 'provider-name' }) accessor providerName = '';

  /** Whether the drawer is open. */
  @property({ type: Boolean, reflect: true }) accessor open = false;

  /** `integration` (default): the provider's integration log; `events`: the event delivery log. */
  @property({ reflect: true }) accessor source: 'integration' | 'events' = 'integration';

  /** Entries fetched per page. */
  @property({ type: Number, attribute: 'page-size' }) accessor pageSize = 20;

  @state() private accessor entries: IntegrationLog[] = [];
  @state() private accessor nextCursor: string | null = null;
  @state() private accessor level: LogLevel | '' = '';
  @state() private accessor event = '';
  @state() private accessor loading = false;
  @state() private accessor error = '';
  @state() private accessor seenEvents: string[] = [];
  /** Whether the host put something in the `empty` slot, looking through forwarded slots. */
  @state() private accessor customEmpty = false;

  @query('dialog') private accessor dialog!: HTMLDialogElement | null;

  #request = 0;

  protected override createClient(options: ApiClientOptions): EventLogClient {
    return new EventLogClient(options);
  }

  /** Opens the drawer. */
  show(): void {
    this.open = true;
  }

  /** Closes the drawer and fires `pos-logs-closed`. */
  hide(): void {
    if (!this.open) return;
    this.open = false;
    emit(this, 'pos-logs-closed', { provider: this.provider });
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    const dialog = this.dialog;
    if (!dialog) return;
    if (this.open && !dialog.open) {
      dialog.showModal();
      this.renderRoot.querySelector<HTMLElement>('[part~="close-button"]')?.focus();
      void this.#reload();
    } else if (!this.open && dialog.open) {
      dialog.close();
    }
  }

  async #reload(): Promise<void> {
    this.entries = [];
    this.nextCursor = null;
    await this.#fetchPage(undefined);
  }

  async #fetchPage(cursor: string | undefined): Promise<void> {
    const request = ++this.#request;
    this.loading = true;
    this.error = '';
    try {
      const page = await this.#page(cursor);
      if (request !== this.#request) return; // a newer filter superseded this page
      this.entries = cursor ? [...this.entries, ...page.logs] : page.logs;
      this.nextCursor = page.next_cursor;
      const fresh = page.logs.map((entry) => entry.event).filter((name) => !this.seenEvents.includes(name));
      if (fresh.length > 0) this.seenEvents = [...new Set([...this.seenEvents, ...fresh])];
    } catch (error) {
      if (request === this.#request) this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  async #page(cursor: string | undefined): Promise<{ logs: IntegrationLog[]; next_cursor: string | null }> {
    const paging = { limit: this.pageSize, ...(cursor ? { cursor } : {}) };
    if (this.source === 'events') {
      const page = await this.api.eventLogs(paging);
      return { logs: page.events.map(eventLogEntry), next_cursor: page.next_cursor };
    }
    return this.api.logs(this.provider, {
      ...paging,
      ...(this.level ? { level: this.level } : {}),
      ...(this.event ? { event: this.event } : {}),
    });
  }

  #onLevel(event: Event): void {
    this.level = (event.target as HTMLSelectElement).value as LogLevel | '';
    void this.#reload();
  }

  #onEvent(event: Event): void {
    this.event = (event.target as HTMLSelectElement).value;
    void this.#reload();
  }

  async #loadMore(): Promise<void> {
    const count = this.entries.length;
    await this.#fetchPage(this.nextCursor ?? undefined);
    // Keep the keyboard user where the new entries start, not on a button that may vanish.
    await this.updateComplete;
    const first = this.renderRoot.querySelectorAll<HTMLElement>('[part~="entry"]')[count];
    first?.focus();
  }

  /** Keeps Tab and Shift+Tab inside the drawer, whatever the browser does at the dialog's edges. */
  #onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Tab' || !this.dialog) return;
    const focusable = [...this.dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (element) => !(element as HTMLButtonElement).disabled && element.getClientRects().length > 0,
    );
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    const active = (this.renderRoot as ShadowRoot).activeElement;
    const inside = active !== null && this.dialog.contains(active);
    if (event.shiftKey ? active === first || !inside : active === last || !inside) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  }

  #onCancel(event: Event): void {
    // Escape: close through hide() so the host hears about it.
    event.preventDefault();
    this.hide();
  }

  #onClick(event: MouseEvent): void {
    // A click on the dialog element itself is a click on the backdrop.
    if (event.target === this.dialog) this.hide();
  }

  #onEmptySlot(event: Event): void {
    const assigned = (event.currentTarget as HTMLSlotElement).assignedNodes({ flatten: true });
    this.customEmpty = assigned.some((node) => node instanceof Element || node.textContent?.trim());
  }

  override render() {
    const name = this.providerName || this.provider;
    const events = [...new Set([...KNOWN_EVENTS, ...this.seenEvents])];
    return html`<dialog
      part="drawer"
      aria-labelledby="title"
      @keydown=${this.#onKeydown}
      @cancel=${this.#onCancel}
      @click=${this.#onClick}
    >
      <div class="panel">
        <header part="header">
          <h2 part="title" id="title">${strings.logsTitle(name)}</h2>
          <button type="button" part="close-button" @click=${this.hide}>${strings.close}</button>
        </header>
        ${this.source === 'events' ? nothing : this.#renderFilters(events)}
        <div class="body" aria-busy=${this.loading ? 'true' : 'false'}>
          ${this.error ? html`<p role="alert">${strings.loadFailed(this.error)}</p>` : nothing}
          ${
            this.entries.length === 0 && !this.loading && !this.error
              ? html`<slot name="empty" @slotchange=${this.#onEmptySlot}></slot>${
                  this.customEmpty ? nothing : html`<p part="empty" class="empty" role="status">${strings.noLogs}</p>`
                }`
              : nothing
          }
          <ol part="list">
            ${this.entries.map((entry) => this.#renderEntry(entry))}
          </ol>
          ${this.loading ? html`<p class="empty" role="status">${strings.loading}</p>` : nothing}
          ${
            this.nextCursor && !this.loading
              ? html`<div class="more">
                <button type="button" part="load-more" @click=${this.#loadMore}>${strings.loadMore}</button>
              </div>`
              : nothing
          }
        </div>
      </div>
    </dialog>`;
  }

  #renderFilters(events: string[]) {
    return html`<div part="filters" class="filters">
          <label>
            ${strings.filterLevel}
            <select part="level-filter" .value=${this.level} @change=${this.#onLevel}>
              <option value="">${strings.allLevels}</option>
              <option value="info">${strings.levelInfo}</option>
              <option value="warning">${strings.levelWarning}</option>
              <option value="error">${strings.levelError}</option>
            </select>
          </label>
          <label>
            ${strings.filterEvent}
            <select part="event-filter" .value=${this.event} @change=${this.#onEvent}>
              <option value="">${strings.allEvents}</option>
              ${events.map((name) => html`<option value=${name} ?selected=${name === this.event}>${name}</option>`)}
            </select>
          </label>
        </div>`;
  }

  #renderEntry(entry: IntegrationLog) {
    const levelLabel = { info: strings.levelInfo, warning: strings.levelWarning, error: strings.levelError }[
      entry.level
    ];
    const hasDetails = entry.details !== null && Object.keys(entry.details).length > 0;
    return html`<li part="entry entry-${entry.level}" class=${entry.level} tabindex="-1">
      <div class="entry-head">
        <span class="level">${levelLabel}</span>
        <span class="event">${entry.event}</span>
        <time part="timestamp" datetime=${entry.timestamp}>${formatTimestamp(entry.timestamp)}</time>
      </div>
      <p class="message">${entry.message}</p>
      ${
        hasDetails
          ? html`<details part="details">
            <summary>${strings.details}</summary>
            <pre>${JSON.stringify(entry.details, null, 2)}</pre>
          </details>`
          : nothing
      }
    </li>`;
  }
}
