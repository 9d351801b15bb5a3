import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import {
  type CredentialField,
  type IntegrationDescriptor,
  type IntegrationStatus,
  PosApiError,
} from '../api-client.js';
import { PosApiElement } from '../api-element.js';
import { confirmationDialog, confirmDialogStyles } from '../confirm-dialog.js';
import { defineDependency } from '../define-element.js';
import { emit } from '../events.js';
import { isOAuthResult, type OAuthResult, oauthResultFromUrl } from '../oauth-return.js';
import { PosIntegrationLogsDrawer } from '../pos-integration-logs-drawer/pos-integration-logs-drawer.js';
import { formatTimestamp, strings } from '../strings.js';
import { badgeStyles, baseStyles } from '../styles.js';
import { cardStyles } from './pos-integration-card.styles.js';

type Busy = '' | 'load' | 'save' | 'connect' | 'test' | 'resync' | 'disconnect';
type BadgeState = 'connected' | 'disconnected' | 'error' | 'reconnect';

interface Toast {
  tone: 'success' | 'error';
  text: string;
}

/** `location_name` → "Location name" */
function humanize(key: string): string {
  const words = key.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function displayValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(displayValue).join(', ');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/**
 * One provider's card: its status, the live account summary, and the actions its kind allows.
 *
 * API-key providers get a credentials form built from the fields the server describes; secret
 * fields are password inputs that are cleared once saved and never filled from the server.
 * OAuth providers get a Connect button that opens the provider's page in a popup and learns the
 * result by `postMessage` from the return page; when the popup is blocked, the whole page goes
 * there instead and the return page shows the result.
 *
 * @summary One provider's card: its status, account summary, and the actions its kind allows.
 * @tag pos-integration-card
 *
 * @event pos-connected - The provider was connected. `detail: { provider, status }`
 * @event pos-disconnected - The provider was disconnected. `detail: { provider }`
 * @event pos-tested - A connection test finished. `detail: { provider, success, message, error_code?, tested_at }`
 * @event pos-error - An action failed. `detail: { provider, action, error_code, message }`
 * @event pos-logs-opened - The logs drawer opened. `detail: { provider }`
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
  @state() private accessor confirming: 'disconnect' | 'resync' = 'disconnect';

  @query('dialog') private accessor confirmDialog!: HTMLDialogElement | null;

  #popup: Window | undefined;
  #popupWatch: ReturnType<typeof setInterval> | undefined;
  #summaryFor: string | undefined;

  constructor() {
    super();
    // The logs drawer, under the name this element's template uses, whatever name it was given itself.
    defineDependency('pos-integration-logs-drawer', PosIntegrationLogsDrawer);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('message', this.#onMessage);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('message', this.#onMessage);
    this.#stopWatchingPopup();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const configChanged = changed.has('apiBase') || changed.has('token') || changed.has('fetch');
    if (!this.hasUpdated || configChanged || changed.has('provider')) {
      if (this.provider && (!this.integration || !this.status || (this.hasUpdated && configChanged))) {
        void this.#load();
      }
    }
    if (changed.has('status')) this.#syncSummary();
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

  #syncSummary(): void {
    const status = this.status;
    if (!status?.connected) {
      this.summary = undefined;
      this.summaryError = '';
      this.#summaryFor = undefined;
      return;
    }
    const key = `${status.connected_at}`;
    if (this.#summaryFor === key) return;
    this.#summaryFor = key;
    this.api.summary(this.provider).then(
      (summary) => {
        this.summary = summary;
        this.summaryError = '';
      },
      (error: unknown) => {
        this.summary = undefined;
        this.summaryError = error instanceof Error ? error.message : String(error);
      },
    );
  }

  get #name(): string {
    return this.integration?.name ?? this.provider;
  }

  get #badge(): BadgeState {
    const status = this.status;
    if (!status) return 'disconnected';
    if (status.needs_reconnect) return 'reconnect';
    if (status.connected && status.status === 'error') return 'error';
    return status.connected ? 'connected' : 'disconnected';
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
    const values: Record<string, string> = {};
    for (const field of this.integration?.fields ?? []) {
      const value = String(new FormData(form).get(field.name) ?? '').trim();
      if (value !== '') values[field.name] = value;
    }
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

  async #connectOAuth(): Promise<void> {
    // Opened before any await, inside the click, so popup blockers let it through.
    const popup = window.open('', `pos-oauth-${this.provider}`, 'popup,width=520,height=720') ?? undefined;
    this.busy = 'connect';
    this.toast = undefined;
    let authUrl: string;
    try {
      authUrl = (await this.api.authorizationUrl(this.provider)).auth_url;
    } catch (error) {
      popup?.close();
      this.busy = '';
      this.#reportError('connect', error);
      return;
    }
    if (!popup || popup.closed) {
      this.toast = { tone: 'success', text: strings.popupBlocked };
      window.location.assign(authUrl);
      return;
    }
    popup.location.href = authUrl;
    this.#popup = popup;
    this.#stopWatchingPopup();
    this.#popupWatch = setInterval(() => {
      if (this.#popup?.closed) {
        this.#stopWatchingPopup();
        this.#popup = undefined;
        if (this.busy === 'connect') this.busy = '';
      }
    }, 500);
  }

  #stopWatchingPopup(): void {
    if (this.#popupWatch !== undefined) clearInterval(this.#popupWatch);
    this.#popupWatch = undefined;
  }

  #onMessage = (event: MessageEvent): void => {
    // Only this origin's return page speaks for the provider; anything else is ignored.
    if (event.origin !== window.location.origin || !isOAuthResult(event.data)) return;
    if (event.data.provider !== this.provider) return;
    this.#stopWatchingPopup();
    this.#popup = undefined;
    void this.#applyOAuthResult(event.data);
  };

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

  async #test(): Promise<void> {
    this.busy = 'test';
    this.toast = undefined;
    try {
      const result = await this.api.test(this.provider);
      this.toast = { tone: result.success ? 'success' : 'error', text: result.message };
      emit(this, 'pos-tested', { provider: this.provider, ...result });
      this.status = await this.api.status(this.provider);
    } catch (error) {
      this.#reportError('test', error);
    } finally {
      this.busy = '';
    }
  }

  async #ask(what: 'disconnect' | 'resync'): Promise<void> {
    this.confirming = what;
    await this.updateComplete;
    this.confirmDialog?.showModal();
  }

  async #resync(): Promise<void> {
    this.busy = 'resync';
    this.toast = undefined;
    try {
      const result = await this.api.resync(this.provider);
      this.confirmDialog?.close();
      this.toast = { tone: 'success', text: result.message };
      emit(this, 'pos-resync-queued', {
        provider: this.provider,
        queued: result.queued,
        pending_queue_count: result.pending_queue_count,
      });
      // The summary's pending count shows the queued rows.
      this.#summaryFor = undefined;
      this.#syncSummary();
    } catch (error) {
      this.confirmDialog?.close();
      this.#reportError('resync', error);
    } finally {
      this.busy = '';
    }
  }

  async #disconnect(): Promise<void> {
    this.busy = 'disconnect';
    this.toast = undefined;
    try {
      const result = await this.api.disconnect(this.provider);
      this.confirmDialog?.close();
      this.status = await this.api.status(this.provider);
      this.toast = { tone: 'success', text: result.message };
      emit(this, 'pos-disconnected', { provider: this.provider });
      // The Disconnect button is gone: move focus to what comes next, the way to connect again.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('form input, form select, [part~="connect-button"]')?.focus();
    } catch (error) {
      this.confirmDialog?.close();
      this.#reportError('disconnect', error);
    } finally {
      this.busy = '';
    }
  }

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
      return html`<div part="base" aria-busy=${this.busy === 'load'}>
        ${
          this.loadError
            ? html`<p part="error" class="notice error" role="alert">${strings.loadFailed(this.loadError)}</p>`
            : html`<p class="meta" role="status">${strings.loading}</p>`
        }
      </div>`;
    }
    const status = this.status;
    const badge = this.#badge;
    const needsCredentials = !status.connected || status.needs_reconnect;
    const badgeLabel = {
      connected: strings.statusConnected,
      disconnected: strings.statusDisconnected,
      error: strings.statusError,
      reconnect: strings.statusReconnect,
    }[badge];

    return html`
      <article part="base" aria-labelledby="title">
        <header part="header">
          <h3 part="title" id="title">${this.#name}</h3>
          <span part="badge badge-${badge}" class="badge ${badge}">${badgeLabel}</span>
          <slot name="header-actions"></slot>
        </header>
        ${this.#renderMeta(status)}
        ${
          status.needs_reconnect
            ? html`<p part="reconnect" class="notice" role="alert">
              ${strings.reconnectExplained(this.#name)}
              ${status.last_error ? html`<br />${strings.lastError(status.last_error)}` : nothing}
            </p>`
            : status.connected && status.last_error
              ? html`<p part="error" class="notice error">${strings.lastError(status.last_error)}</p>`
              : nothing
        }
        ${status.connected && !status.needs_reconnect ? this.#renderSummary() : nothing}
        ${needsCredentials ? this.#renderConnect() : nothing}
        ${status.connected ? this.#renderActions() : nothing}
        <div part="toast" class="toast ${this.toast?.tone ?? ''}" role="status" aria-live="polite">${
          this.toast
            ? html`<span>${this.toast.text}</span>
                <button type="button" part="button dismiss-button" @click=${() => {
                  this.toast = undefined;
                }}>${strings.dismiss}</button>`
            : nothing
        }</div>
        ${this.#renderConfirm()}
      </article>
      ${
        status.connected || this.logsOpen
          ? html`<pos-integration-logs-drawer
              provider=${this.provider}
              provider-name=${this.#name}
              .apiBase=${this.apiBase}
              .token=${this.token}
              .fetch=${this.fetch}
              ?open=${this.logsOpen}
              @pos-logs-closed=${this.#logsClosed}
            ><slot name="logs-empty" slot="empty"></slot></pos-integration-logs-drawer>`
          : nothing
      }
    `;
  }

  #renderMeta(status: IntegrationStatus) {
    const parts: string[] = [];
    if (status.connected && status.connected_at)
      parts.push(strings.connectedSince(formatTimestamp(status.connected_at)));
    if (status.connected && status.last_tested_at)
      parts.push(strings.lastTested(formatTimestamp(status.last_tested_at)));
    return parts.length > 0 ? html`<p part="meta" class="meta">${parts.join(' · ')}</p>` : nothing;
  }

  #renderSummary() {
    if (this.summaryError) {
      return html`<p part="error" class="notice error">${strings.summaryFailed(this.summaryError)}</p>`;
    }
    if (!this.summary) return nothing;
    const entries = Object.entries(this.summary).filter(
      ([, value]) =>
        value !== null && value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0),
    );
    if (entries.length === 0) {
      return html`<slot name="summary-empty"><p part="summary-empty" class="meta">${strings.summaryEmpty}</p></slot>`;
    }
    return html`<dl part="summary" aria-label=${strings.summaryLabel(this.#name)}>
      ${entries.map(([key, value]) => html`<dt>${humanize(key)}</dt><dd>${displayValue(value)}</dd>`)}
    </dl>`;
  }

  #renderConnect() {
    const integration = this.integration;
    if (!integration) return nothing;
    if (integration.kind === 'oauth') {
      return html`<div part="actions" class="actions">
        <button
          type="button"
          class="primary"
          part="button connect-button"
          ?disabled=${this.busy !== ''}
          @click=${this.#connectOAuth}
        >
          ${this.busy === 'connect' ? strings.connecting : strings.connect(this.#name)}
        </button>
      </div>`;
    }
    const fields = integration.fields ?? [];
    return html`<form part="form" @submit=${this.#save} novalidate>
      <fieldset ?disabled=${this.busy === 'save'}>
        <legend>${strings.credentialsLegend(this.#name)}</legend>
        ${fields.map((field) => this.#renderField(field))}
        <div class="actions">
          <button type="submit" class="primary" part="button save-button">
            ${this.busy === 'save' ? strings.saving : strings.save}
          </button>
        </div>
        ${this.formError ? html`<p part="form-error" role="alert">${this.formError}</p>` : nothing}
      </fieldset>
    </form>`;
  }

  #renderField(field: CredentialField) {
    const id = `field-${field.name}`;
    const error = this.fieldErrors[field.name];
    const describedBy = [field.secret ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    const control = field.options
      ? html`<select id=${id} name=${field.name} part="input" ?required=${field.required} aria-invalid=${error ? 'true' : 'false'}>
          ${field.required ? nothing : html`<option value="">${strings.optionDefault}</option>`}
          ${field.options.map((option) => html`<option value=${option}>${option}</option>`)}
        </select>`
      : html`<input
          id=${id}
          name=${field.name}
          part="input"
          type=${field.secret ? 'password' : 'text'}
          autocomplete="off"
          spellcheck="false"
          placeholder=${field.placeholder ?? ''}
          ?required=${field.required}
          aria-required=${field.required ? 'true' : 'false'}
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${describedBy || nothing}
        />`;
    return html`<label part="field" for=${id}>
      ${field.label}
      ${control}
      ${field.secret ? html`<span class="hint" id="${id}-hint">${strings.secretHint}</span>` : nothing}
      ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : nothing}
    </label>`;
  }

  #renderActions() {
    const busy = this.busy !== '';
    return html`<div part="actions" class="actions">
      <button type="button" part="button test-button" ?disabled=${busy} @click=${this.#test}>
        ${this.busy === 'test' ? strings.testing : strings.test}
      </button>
      <button type="button" part="button logs-button" aria-haspopup="dialog" @click=${this.#openLogs}>
        ${strings.viewLogs}
      </button>
      ${
        this.integration?.sync
          ? html`<button type="button" part="button resync-button" aria-haspopup="dialog" ?disabled=${busy} @click=${() => this.#ask('resync')}>
              ${this.busy === 'resync' ? strings.resyncing : strings.resync}
            </button>`
          : nothing
      }
      <button type="button" class="danger" part="button disconnect-button" aria-haspopup="dialog" ?disabled=${busy} @click=${() => this.#ask('disconnect')}>
        ${strings.disconnect}
      </button>
    </div>`;
  }

  #renderConfirm() {
    const name = this.#name;
    const resync = this.confirming === 'resync';
    return confirmationDialog({
      title: resync ? strings.confirmResyncTitle(name) : strings.confirmDisconnectTitle(name),
      body: resync ? strings.confirmResyncBody(name) : strings.confirmDisconnectBody(name),
      confirm: resync ? strings.confirmResync : strings.confirmDisconnect,
      confirming: resync ? strings.resyncing : strings.disconnecting,
      busy: this.busy === this.confirming,
      onConfirm: () => void (resync ? this.#resync() : this.#disconnect()),
    });
  }
}

/** `details.issues` of a validation error, by field name. */
function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof PosApiError)) return {};
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return {};
  const byField: Record<string, string> = {};
  for (const issue of issues as Array<{ field?: unknown; message?: unknown }>) {
    if (typeof issue.field === 'string' && typeof issue.message === 'string') byField[issue.field] ??= issue.message;
  }
  return byField;
}
