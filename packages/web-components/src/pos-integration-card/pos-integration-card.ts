import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { type IntegrationDescriptor, type IntegrationStatus, PosApiError } from '../api-client.js';
import { PosApiElement } from '../api-element.js';
import { confirmDialogStyles } from '../confirm-dialog.js';
import { defineDependency } from '../define-element.js';
import { emit, request } from '../events.js';
import { type OAuthResult, oauthResultFromUrl } from '../oauth-return.js';
import { PosIntegrationLogsDrawer } from '../pos-integration-logs-drawer/pos-integration-logs-drawer.js';
import { strings } from '../strings.js';
import { badgeStyles, baseStyles } from '../styles.js';
import { type CardActionsView, type Confirmable, cardActions, cardConfirm } from './card-actions.js';
import { cardLogs } from './card-logs.js';
import { cardLoading, cardStatus, cardToast, type Toast } from './card-status.js';
import { cardSummary, SummaryLoader } from './card-summary.js';
import { CatalogueLink } from './catalogue-link.js';
import { credentialsForm, credentialsOf, fieldErrorsOf } from './credentials-form.js';
import { OAuthPopup } from './oauth-popup.js';
import { cardStyles } from './pos-integration-card.styles.js';

type Busy = '' | 'load' | 'save' | 'connect' | 'test' | 'resync' | 'disconnect';

/**
 * One provider's card: its status, the live account summary, and the actions its kind allows.
 *
 * API-key providers get a credentials form built from the fields the server describes; secret
 * fields are password inputs that are cleared once saved and never filled from the server.
 * OAuth providers get a Connect button that opens the provider's page in a popup and learns the
 * result by `postMessage` from the return page; when the popup is blocked, the whole page goes
 * there instead and the return page shows the result.
 *
 * A connected provider that offers a catalogue gets "Import catalogue" while a
 * `<pos-data-manager>` on the page can import from it (the card asks with
 * `pos-catalogue-import-request`, `open: false`, and again whenever the Data Manager fires
 * `pos-catalogue-sources`); pressing it asks that Data Manager to bring the import into view.
 *
 * @summary One provider's card: its status, account summary, and the actions its kind allows.
 * @tag pos-integration-card
 *
 * @event pos-connected - The provider was connected. `detail: { provider, status }`
 * @event pos-disconnected - The provider was disconnected. `detail: { provider }`
 * @event pos-tested - A connection test finished. `detail: { provider, success, message, error_code?, tested_at }`
 * @event pos-error - An action failed. `detail: { provider, action, error_code, message }`
 * @event pos-logs-opened - The logs drawer opened. `detail: { provider }`
 * @event pos-catalogue-import-request - Cancelable: asks a Data Manager on the page whether it imports the provider's catalogue (`open: false`), or to open that import ("Import catalogue", `open: true`); the Data Manager calls `preventDefault()` to take it. `detail: { provider, open }`
 * @event pos-resync-queued - "Push everything again" queued every row for the sync target. `detail: { provider, queued, pending_queue_count }`
 *
 * @slot header-actions - Controls of the host's own at the end of the header, after the status badge (a help link, a menu).
 * @slot summary-empty - Shown instead of the default "no account details" line when a connected provider's summary has nothing to show.
 * @slot logs-empty - Shown in the logs drawer instead of its default "no entries" line when nothing matches.
 *
 * @csspart base - The card's outer box.
 * @csspart header - The row with the name and the status badge.
 * @csspart title - The provider's name.
 * @csspart badge - The status badge.
 * @csspart badge-connected - The badge while connected.
 * @csspart badge-disconnected - The badge while not connected.
 * @csspart badge-error - The badge while connected with an error.
 * @csspart badge-reconnect - The badge while the provider needs reconnecting.
 * @csspart meta - Connected / last tested times.
 * @csspart reconnect - The "reconnect needed" notice.
 * @csspart error - The last error notice.
 * @csspart summary - The account summary list.
 * @csspart summary-empty - The default line shown when the summary has nothing to show.
 * @csspart form - The credentials form (API-key providers).
 * @csspart field - Each label + input of the credentials form.
 * @csspart input - Each input or select of the credentials form.
 * @csspart form-error - The form's error message.
 * @csspart actions - The row of action buttons.
 * @csspart button - Every button.
 * @csspart save-button - Save and connect (API-key providers).
 * @csspart connect-button - Connect (OAuth providers).
 * @csspart test-button - Test connection.
 * @csspart logs-button - View logs.
 * @csspart resync-button - Push everything again (connectors with sync).
 * @csspart import-button - Import catalogue (a connected provider with a catalogue, while a Data Manager on the page imports it).
 * @csspart disconnect-button - Disconnect.
 * @csspart dismiss-button - Dismiss, in the toast.
 * @csspart cancel-button - Cancel, in the confirmation dialog.
 * @csspart confirm-button - The confirmation dialog's destructive button.
 * @csspart toast - The `aria-live` region announcing action results.
 * @csspart confirm - The confirmation dialog (disconnect, push everything again).
 *
 * @cssprop --pos-card-padding - Space inside the card (default 1.25rem).
 * @cssprop --pos-card-shadow - The card's shadow.
 * @cssprop --pos-color-primary - Primary buttons and focus ring colour.
 * @cssprop --pos-color-success - Connected badge and success toast text.
 * @cssprop --pos-color-warning - Reconnect-needed badge and notice text.
 * @cssprop --pos-color-danger - Error badge, error toast and destructive buttons.
 * @cssprop --pos-radius - Corner radius.
 */
export class PosIntegrationCard extends PosApiElement {
  static override styles = [baseStyles, badgeStyles, confirmDialogStyles, cardStyles];

  /** The provider id, e.g. `square`. */
  @property({ reflect: true }) accessor provider = '';

  /** The server's description of the provider; loaded from the API when not given. */
  @property({ attribute: false }) accessor integration: IntegrationDescriptor | undefined = undefined;

  /** The provider's status; loaded from the API when not given. */
  @property({ attribute: false }) accessor status: IntegrationStatus | undefined = undefined;

  @state() accessor summary: Record<string, unknown> | undefined = undefined;
  @state() private accessor summaryError = '';
  @state() private accessor busy: Busy = '';
  @state() private accessor toast: Toast | undefined = undefined;
  @state() private accessor formError = '';
  @state() private accessor fieldErrors: Record<string, string> = {};
  @state() private accessor logsOpen = false;
  @state() private accessor loadError = '';
  /** What the confirmation dialog asks about. */
  @state() private accessor confirming: Confirmable = 'disconnect';

  @query('dialog') private accessor confirmDialog!: HTMLDialogElement | null;

  #summaryLoader = new SummaryLoader(
    () => this.api.summary(this.provider),
    (summary, error) => {
      this.summary = summary;
      this.summaryError = error;
    },
  );

  #oauth = new OAuthPopup(this, {
    provider: () => this.provider,
    authorizationUrl: async () => (await this.api.authorizationUrl(this.provider)).auth_url,
    failed: (error) => {
      this.busy = '';
      this.#reportError('connect', error);
    },
    redirecting: () => {
      this.toast = { tone: 'success', text: strings.popupBlocked };
    },
    abandoned: () => {
      if (this.busy === 'connect') this.busy = '';
    },
    returned: (result) => void this.#applyOAuthResult(result),
  });

  #catalogue = new CatalogueLink(this, {
    offered: () =>
      Boolean(this.integration?.catalogue?.length && this.status?.connected && !this.status.needs_reconnect),
    ask: (open) => request(this, 'pos-catalogue-import-request', { provider: this.provider, open }),
  });

  constructor() {
    super();
    // The logs drawer, under the name this element's template uses, whatever name it was given itself.
    defineDependency('pos-integration-logs-drawer', PosIntegrationLogsDrawer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const configChanged = changed.has('apiBase') || changed.has('token') || changed.has('fetch');
    if (!this.hasUpdated || configChanged || changed.has('provider')) {
      if (this.provider && (!this.integration || !this.status || (this.hasUpdated && configChanged))) {
        void this.#load();
      }
    }
    if (changed.has('status')) this.#summaryLoader.sync(this.status);
  }

  protected override firstUpdated(): void {
    // After a full-page OAuth redirect (popup blocked), the return URL carries the result.
    const result = window.opener ? null : oauthResultFromUrl(window.location.href);
    if (result && result.provider === this.provider) void this.#applyOAuthResult(result);
  }

  /** Reloads the status (and the summary when connected) from the server. */
  async refresh(): Promise<void> {
    try {
      this.status = await this.api.status(this.provider);
    } catch (error) {
      this.#reportError('status', error);
    }
  }

  async #load(): Promise<void> {
    this.busy = 'load';
    this.loadError = '';
    try {
      if (!this.integration || this.integration.id !== this.provider) {
        const all = await this.api.integrations();
        const found = all.find((candidate) => candidate.id === this.provider);
        if (!found) {
          this.hidden = true;
          return;
        }
        this.integration = found;
      }
      this.status = await this.api.status(this.provider);
      this.hidden = false;
    } catch (error) {
      // Property 7 (docs/properties.md): a provider the server does not serve has no card at all.
      if (error instanceof PosApiError && error.status === 404) this.hidden = true;
      else this.loadError = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = '';
    }
  }

  get #name(): string {
    return this.integration?.name ?? this.provider;
  }

  #reportError(action: string, error: unknown): void {
    const code = error instanceof PosApiError ? error.code : 'UNEXPECTED';
    const message = error instanceof Error ? error.message : String(error);
    this.toast = { tone: 'error', text: message };
    emit(this, 'pos-error', { provider: this.provider, action, error_code: code, message });
  }

  async #save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const values = credentialsOf(form, this.integration?.fields ?? []);
    this.busy = 'save';
    this.formError = '';
    this.fieldErrors = {};
    this.toast = undefined;
    try {
      const result = await this.api.saveCredentials(this.provider, values);
      form.reset();
      this.status = result.status;
      this.toast = { tone: 'success', text: result.message };
      emit(this, 'pos-connected', { provider: this.provider, status: result.status });
    } catch (error) {
      this.formError = error instanceof Error ? error.message : String(error);
      this.fieldErrors = fieldErrorsOf(error);
      emit(this, 'pos-error', {
        provider: this.provider,
        action: 'connect',
        error_code: error instanceof PosApiError ? error.code : 'UNEXPECTED',
        message: this.formError,
      });
    } finally {
      this.busy = '';
    }
  }

  #connectOAuth(): void {
    this.busy = 'connect';
    this.toast = undefined;
    void this.#oauth.connect();
  }

  async #applyOAuthResult(result: OAuthResult): Promise<void> {
    this.busy = '';
    if (result.status === 'connected') {
      try {
        this.status = await this.api.status(this.provider);
      } catch (error) {
        this.#reportError('status', error);
        return;
      }
      this.toast = { tone: 'success', text: strings.oauthConnected(this.#name) };
      emit(this, 'pos-connected', { provider: this.provider, status: this.status });
    } else {
      const code = result.error_code ?? 'OAUTH_FAILED';
      const message = strings.oauthFailed(this.#name, code);
      this.toast = { tone: 'error', text: message };
      emit(this, 'pos-error', { provider: this.provider, action: 'connect', error_code: code, message });
    }
  }

  /** Runs a connected card's action: busy meanwhile; a failure closes the dialog and is reported. */
  async #run(action: 'test' | Confirmable, work: () => Promise<void>): Promise<void> {
    this.busy = action;
    this.toast = undefined;
    try {
      await work();
    } catch (error) {
      this.confirmDialog?.close();
      this.#reportError(action, error);
    } finally {
      this.busy = '';
    }
  }

  #test = () =>
    this.#run('test', async () => {
      const result = await this.api.test(this.provider);
      this.toast = { tone: result.success ? 'success' : 'error', text: result.message };
      emit(this, 'pos-tested', { provider: this.provider, ...result });
      this.status = await this.api.status(this.provider);
    });

  async #ask(what: Confirmable): Promise<void> {
    this.confirming = what;
    await this.updateComplete;
    this.confirmDialog?.showModal();
  }

  #resync = () =>
    this.#run('resync', async () => {
      const result = await this.api.resync(this.provider);
      this.confirmDialog?.close();
      this.toast = { tone: 'success', text: result.message };
      emit(this, 'pos-resync-queued', {
        provider: this.provider,
        queued: result.queued,
        pending_queue_count: result.pending_queue_count,
      });
      // The summary's pending count shows the queued rows.
      this.#summaryLoader.reload(this.status);
    });

  #disconnect = () =>
    this.#run('disconnect', async () => {
      const result = await this.api.disconnect(this.provider);
      this.confirmDialog?.close();
      this.status = await this.api.status(this.provider);
      this.toast = { tone: 'success', text: result.message };
      emit(this, 'pos-disconnected', { provider: this.provider });
      // The Disconnect button is gone: move focus to what comes next, the way to connect again.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('form input, form select, [part~="connect-button"]')?.focus();
    });

  #openLogs(): void {
    this.logsOpen = true;
    emit(this, 'pos-logs-opened', { provider: this.provider });
  }

  async #logsClosed(): Promise<void> {
    this.logsOpen = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part~="logs-button"]')?.focus();
  }

  override render() {
    if (this.hidden) return nothing;
    if (!this.integration || !this.status) {
      return cardLoading(this.busy === 'load', this.loadError);
    }
    const status = this.status;
    const needsCredentials = !status.connected || status.needs_reconnect;
    const actions = this.#actionsView();
    return html`
      <article part="base" aria-labelledby="title">
        ${cardStatus(this.#name, status)}
        ${status.connected && !status.needs_reconnect ? cardSummary(this.#name, this.summary, this.summaryError, this.integration?.labels) : nothing}
        ${needsCredentials ? this.#renderConnect() : nothing}
        ${status.connected ? cardActions(actions) : nothing}
        ${cardToast(this.toast, () => {
          this.toast = undefined;
        })}
        ${cardConfirm(actions)}
      </article>
      ${
        status.connected || this.logsOpen
          ? cardLogs({
              provider: this.provider,
              name: this.#name,
              apiBase: this.apiBase,
              token: this.token,
              fetch: this.fetch,
              open: this.logsOpen,
              closed: () => void this.#logsClosed(),
            })
          : nothing
      }
    `;
  }

  #renderConnect() {
    if (!this.integration) return nothing;
    return credentialsForm({
      integration: this.integration,
      name: this.#name,
      busy: this.busy,
      formError: this.formError,
      fieldErrors: this.fieldErrors,
      save: (event) => void this.#save(event),
      connectOAuth: () => this.#connectOAuth(),
    });
  }

  #actionsView(): CardActionsView {
    return {
      name: this.#name,
      busy: this.busy,
      sync: Boolean(this.integration?.sync),
      importable: this.#catalogue.available,
      importCatalogue: () => void this.#catalogue.open(),
      confirming: this.confirming,
      disconnectNote: this.integration?.disconnect_note,
      test: () => void this.#test(),
      openLogs: () => this.#openLogs(),
      ask: (what) => void this.#ask(what),
      confirmed: (what) => void (what === 'resync' ? this.#resync() : this.#disconnect()),
    };
  }
}
