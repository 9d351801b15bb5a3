import { html, nothing } from 'lit';
import { confirmationDialog } from '../confirm-dialog.js';
import { strings } from '../strings.js';

/** The actions that ask first. */
export type Confirmable = 'disconnect' | 'resync';

/** What a connected card's actions show, and what they ask of the card. */
export interface CardActionsView {
  name: string;
  /** The card's running action, `''` when none: every action but View logs waits. */
  busy: string;
  /** The connector syncs rows out (Push everything again is offered). */
  sync: boolean;
  /** A Data Manager on the page imports the provider's catalogue (Import catalogue is offered). */
  importable: boolean;
  /** What the confirmation dialog asks about. */
  confirming: Confirmable;
  /** What disconnecting leaves to the merchant, as the connector says (revoking a key at the provider). */
  disconnectNote?: string | undefined;
  test(): void;
  openLogs(): void;
  importCatalogue(): void;
  ask(what: Confirmable): void;
  confirmed(what: Confirmable): void;
}

/**
 * A connected card's buttons (Test connection, View logs, Import catalogue, Push everything again, Disconnect) and
 * the dialog that confirms the destructive ones. Rendered in `<pos-integration-card>`'s shadow
 * root, so its parts are the card's.
 */
export function cardActions(view: CardActionsView) {
  const busy = view.busy !== '';
  return html`<div part="actions" class="actions">
    <button type="button" part="button test-button" ?disabled=${busy} @click=${view.test}>
      ${view.busy === 'test' ? strings.testing : strings.test}
    </button>
    <button type="button" part="button logs-button" aria-haspopup="dialog" @click=${view.openLogs}>
      ${strings.viewLogs}
    </button>
    ${
      view.importable
        ? html`<button type="button" part="button import-button" ?disabled=${busy} @click=${view.importCatalogue}>
            ${strings.importCatalogue}
          </button>`
        : nothing
    }
    ${
      view.sync
        ? html`<button type="button" part="button resync-button" aria-haspopup="dialog" ?disabled=${busy} @click=${() => view.ask('resync')}>
            ${view.busy === 'resync' ? strings.resyncing : strings.resync}
          </button>`
        : nothing
    }
    <button type="button" class="danger" part="button disconnect-button" aria-haspopup="dialog" ?disabled=${busy} @click=${() => view.ask('disconnect')}>
      ${strings.disconnect}
    </button>
  </div>`;
}

/** The confirmation of the action `view.confirming` names. */
export function cardConfirm(view: CardActionsView) {
  const { name } = view;
  const resync = view.confirming === 'resync';
  return confirmationDialog({
    title: resync ? strings.confirmResyncTitle(name) : strings.confirmDisconnectTitle(name),
    body: resync
      ? strings.confirmResyncBody(name)
      : [strings.confirmDisconnectBody(name), view.disconnectNote].filter(Boolean).join(' '),
    confirm: resync ? strings.confirmResync : strings.confirmDisconnect,
    confirming: resync ? strings.resyncing : strings.disconnecting,
    busy: view.busy === view.confirming,
    onConfirm: () => view.confirmed(view.confirming),
  });
}
