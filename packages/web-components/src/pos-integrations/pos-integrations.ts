import { html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { type IntegrationDescriptor, type IntegrationStatus, PosApiError } from '../api-client.js';
import { PosApiElement } from '../api-element.js';
import { defineDependency } from '../define-element.js';
import { emit } from '../events.js';
import { cardExportParts } from '../pos-integration-card/card-parts.js';
import { PosIntegrationCard } from '../pos-integration-card/pos-integration-card.js';
import { PosIntegrationLogsDrawer } from '../pos-integration-logs-drawer/pos-integration-logs-drawer.js';
import { strings } from '../strings.js';
import { baseStyles } from '../styles.js';
import { integrationsStyles } from './pos-integrations.styles.js';

interface Offered {
  integration: IntegrationDescriptor;
  status: IntegrationStatus;
}

/**
 * The Integrations settings page: a card for every integration this server offers, and nothing
 * for the rest. An integration is offered when the capabilities say so **and** its status
 * endpoint answers; a 404 hides it entirely (property 7, docs/properties.md) — no disabled or "coming soon"
 * placeholders. When the server delivers events to the host application (the `events` flag), an
 * "Event delivery" entry follows the cards, whose "View logs" opens the event delivery log. With
 * nothing offered (e.g. a lite build) the element renders nothing.
 *
 * @summary The Integrations settings page: one card per integration the server offers.
 * @tag pos-integrations
 *
 * @event pos-integrations-loaded - The offered integrations are known. `detail: { providers }`
 *
 * @csspart grid - The grid holding the cards.
 * @csspart card - Each `<pos-integration-card>`. Every part the card documents is forwarded as `card-<part>`: `card-badge`, `card-badge-connected`, `card-button`, `card-test-button`, …
 * @csspart error - The message shown when the list could not be loaded.
 * @csspart events - The "Event delivery" entry (when the server delivers events).
 * @csspart events-logs-button - Its "View logs" button.
 * @csspart events-drawer - Its `<pos-integration-logs-drawer source="events">`.
 *
 * @cssprop --pos-integrations-card-min - Narrowest card width before the grid wraps (default 24rem).
 * @cssprop --pos-integrations-gap - Space between cards (default 1rem).
 */
export class PosIntegrations extends PosApiElement {
  static override styles = [baseStyles, integrationsStyles];

  @state() private accessor offered: Offered[] = [];
  @state() private accessor loading = false;
  @state() private accessor error = '';
  /** Whether the server delivers events to the host (the `events` capability flag). */
  @state() private accessor events = false;

  #request = 0;

  constructor() {
    super();
    // The cards, under the name this element's template uses, whatever name it was given itself.
    defineDependency('pos-integration-card', PosIntegrationCard);
    defineDependency('pos-integration-logs-drawer', PosIntegrationLogsDrawer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || changed.has('apiBase') || changed.has('token') || changed.has('fetch')) {
      void this.reload();
    }
  }

  /** The provider ids that have a card. */
  get providers(): string[] {
    return this.offered.map((entry) => entry.integration.id);
  }

  /** Asks the server again which integrations it offers. */
  async reload(): Promise<void> {
    const request = ++this.#request;
    this.loading = true;
    this.error = '';
    try {
      const offered = await this.#discover();
      if (request !== this.#request) return;
      this.offered = offered;
      emit(this, 'pos-integrations-loaded', { providers: this.providers });
    } catch (error) {
      if (request !== this.#request) return;
      this.offered = [];
      this.events = false;
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  async #discover(): Promise<Offered[]> {
    const capabilities = await this.api.capabilities();
    this.events = capabilities.features.events === true;
    if (!capabilities.features.integrations) return [];
    const described = (await this.api.integrations()).filter(
      (integration) => capabilities.features[integration.id] === true,
    );
    const answers = await Promise.all(
      described.map(async (integration) => {
        try {
          return { integration, status: await this.api.status(integration.id) };
        } catch (error) {
          if (error instanceof PosApiError && error.status === 404) return undefined;
          throw error;
        }
      }),
    );
    return answers.filter((entry): entry is Offered => entry !== undefined);
  }

  override render() {
    if (this.error) {
      return html`<p part="error" role="alert">${strings.loadFailed(this.error)}</p>`;
    }
    if (this.loading && this.offered.length === 0) {
      return html`<p class="status" role="status">${strings.loading}</p>`;
    }
    if (this.offered.length === 0) return this.#renderEvents();
    return html`<div part="grid" role="list" aria-label=${strings.integrationsLabel}>
      ${repeat(
        this.offered,
        (entry) => entry.integration.id,
        (entry) => html`<pos-integration-card
          role="listitem"
          part="card"
          exportparts=${cardExportParts}
          provider=${entry.integration.id}
          .integration=${entry.integration}
          .status=${entry.status}
          .apiBase=${this.apiBase}
          .token=${this.token}
          .fetch=${this.fetch}
        ></pos-integration-card>`,
      )}
    </div>${this.#renderEvents()}`;
  }

  /**
   * Opens the drawer itself: a re-render of this element would hand every card its status as
   * first loaded again, so opening and closing the log changes no state here.
   */
  #openEventLog(): void {
    this.renderRoot.querySelector<PosIntegrationLogsDrawer>('[part="events-drawer"]')?.show();
  }

  #renderEvents() {
    if (!this.events) return nothing;
    return html`<section part="events" class="events" aria-labelledby="events-title">
      <div>
        <h2 id="events-title">${strings.eventDelivery}</h2>
        <p>${strings.eventDeliveryIntro}</p>
      </div>
      <button type="button" part="events-logs-button" @click=${this.#openEventLog}>${strings.viewLogs}</button>
      <pos-integration-logs-drawer
        part="events-drawer"
        source="events"
        provider-name=${strings.eventDelivery}
        .apiBase=${this.apiBase}
        .token=${this.token}
        .fetch=${this.fetch}
      ></pos-integration-logs-drawer>
    </section>`;
  }
}
