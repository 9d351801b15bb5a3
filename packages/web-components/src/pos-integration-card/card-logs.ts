import { html } from 'lit';

/** What the card's logs drawer shows, and how it tells the card it closed. */
export interface CardLogsView {
  provider: string;
  name: string;
  apiBase: string;
  token: string;
  fetch: typeof globalThis.fetch | undefined;
  open: boolean;
  closed(): void;
}

/**
 * The card's `<pos-integration-logs-drawer>`, configured as the card is; the card's
 * `logs-empty` slot becomes the drawer's `empty` slot.
 */
export function cardLogs(view: CardLogsView) {
  return html`<pos-integration-logs-drawer
    provider=${view.provider}
    provider-name=${view.name}
    .apiBase=${view.apiBase}
    .token=${view.token}
    .fetch=${view.fetch}
    ?open=${view.open}
    @pos-logs-closed=${view.closed}
  ><slot name="logs-empty" slot="empty"></slot></pos-integration-logs-drawer>`;
}
