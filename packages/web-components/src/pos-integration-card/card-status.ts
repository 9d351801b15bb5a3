import { html, nothing } from 'lit';
import type { IntegrationStatus } from '../api-client.js';
import { formatTimestamp, strings } from '../strings.js';

type BadgeState = 'connected' | 'disconnected' | 'error' | 'reconnect';

function badgeOf(status: IntegrationStatus): BadgeState {
  if (status.needs_reconnect) return 'reconnect';
  if (status.connected && status.status === 'error') return 'error';
  return status.connected ? 'connected' : 'disconnected';
}

function meta(status: IntegrationStatus) {
  const parts: string[] = [];
  if (status.connected && status.connected_at) parts.push(strings.connectedSince(formatTimestamp(status.connected_at)));
  if (status.connected && status.last_tested_at) parts.push(strings.lastTested(formatTimestamp(status.last_tested_at)));
  return parts.length > 0 ? html`<p part="meta" class="meta">${parts.join(' · ')}</p>` : nothing;
}

/**
 * The top of a card: the provider's name and status badge (with the host's `header-actions`),
 * when it connected and was last tested, and what needs attention (reconnect, the last error).
 * Rendered in `<pos-integration-card>`'s shadow root, so its parts are the card's.
 */
export function cardStatus(name: string, status: IntegrationStatus) {
  const badge = badgeOf(status);
  const badgeLabel = {
    connected: strings.statusConnected,
    disconnected: strings.statusDisconnected,
    error: strings.statusError,
    reconnect: strings.statusReconnect,
  }[badge];
  return html`<header part="header">
      <h3 part="title" id="title">${name}</h3>
      <span part="badge badge-${badge}" class="badge ${badge}">${badgeLabel}</span>
      <slot name="header-actions"></slot>
    </header>
    ${meta(status)}
    ${
      status.needs_reconnect
        ? html`<p part="reconnect" class="notice" role="alert">
          ${strings.reconnectExplained(name)}
          ${status.last_error ? html`<br />${strings.lastError(status.last_error)}` : nothing}
        </p>`
        : status.connected && status.last_error
          ? html`<p part="error" class="notice error">${strings.lastError(status.last_error)}</p>`
          : nothing
    }`;
}

/** A card whose provider and status are still loading, or could not be. */
export function cardLoading(loading: boolean, loadError: string) {
  return html`<div part="base" aria-busy=${loading}>
    ${
      loadError
        ? html`<p part="error" class="notice error" role="alert">${strings.loadFailed(loadError)}</p>`
        : html`<p class="meta" role="status">${strings.loading}</p>`
    }
  </div>`;
}

export interface Toast {
  tone: 'success' | 'error';
  text: string;
}

/** The `aria-live` line announcing what the last action did, with its Dismiss button. */
export function cardToast(toast: Toast | undefined, dismiss: () => void) {
  return html`<div part="toast" class="toast ${toast?.tone ?? ''}" role="status" aria-live="polite">${
    toast
      ? html`<span>${toast.text}</span>
          <button type="button" part="button dismiss-button" @click=${dismiss}>${strings.dismiss}</button>`
      : nothing
  }</div>`;
}
