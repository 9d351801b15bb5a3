import { css, html } from 'lit';
import { strings } from './strings.js';

export interface ConfirmDialogOptions {
  title: string;
  body: string;
  /** The destructive button's label, and its label while the action runs. */
  confirm: string;
  confirming: string;
  busy: boolean;
  onConfirm: () => void;
  /** Called however the dialog closed: Cancel, Escape, or the element closing it. */
  onClose?: () => void;
  /** False while the dialog still gathers what it says (the confirm button waits). */
  ready?: boolean;
}

/**
 * The modal "are you sure?" of a destructive action. The element opens it with `showModal()`;
 * Cancel has focus first, so Enter never destroys anything by accident. Cancel sits at the end of
 * the row, where a dialog's default button usually is, and the destructive button at the other
 * end, apart from it, so a tap where Cancel is expected never destroys anything either.
 */
export function confirmationDialog(options: ConfirmDialogOptions) {
  return html`<dialog part="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-body" @close=${options.onClose}>
    <h4 id="confirm-title">${options.title}</h4>
    <p id="confirm-body">${options.body}</p>
    <div class="actions confirm-actions">
      <button
        type="button"
        class="danger primary"
        part="button confirm-button"
        ?disabled=${options.busy || options.ready === false}
        @click=${options.onConfirm}
      >
        ${options.busy ? options.confirming : options.confirm}
      </button>
      <button
        type="button"
        part="button cancel-button"
        autofocus
        @click=${(event: Event) => (event.currentTarget as HTMLElement).closest('dialog')?.close()}
      >
        ${strings.cancel}
      </button>
    </div>
  </dialog>`;
}

export const confirmDialogStyles = css`
  dialog {
    border: 1px solid var(--pos-color-border);
    border-radius: var(--pos-radius);
    padding: 1.25rem;
    max-width: min(28rem, calc(100vw - 2rem));
    background: var(--pos-color-surface);
    color: var(--pos-color-text);
    font-family: var(--pos-font-family);
  }

  dialog::backdrop {
    background: rgba(15, 23, 42, 0.45);
  }

  dialog h4 {
    margin: 0 0 0.5rem;
    font-size: 1.05rem;
  }

  dialog p {
    margin: 0 0 1rem;
    overflow-wrap: anywhere;
  }

  .confirm-actions {
    justify-content: space-between;
  }
`;
