import { css } from 'lit';

export const cardStyles = css`
  :host {
    display: block;
  }

  [part~='base'] {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.85rem;
    padding: var(--pos-card-padding, 1.25rem);
    background: var(--pos-color-surface);
    border: 1px solid var(--pos-color-border);
    border-radius: var(--pos-radius);
    box-shadow: var(--pos-card-shadow, 0 1px 2px rgba(15, 23, 42, 0.06));
  }

  header {
    display: flex;
    /* A long provider name (WooCommerce) and its badge share a narrow card: the badge goes below. */
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem 0.75rem;
  }

  h3 {
    flex: 1;
    margin: 0;
    font-size: 1.1rem;
  }

  .meta {
    margin: 0;
    color: var(--pos-color-muted);
    font-size: 0.85rem;
  }

  .notice,
  .toast {
    margin: 0;
    padding: 0.65rem 0.8rem;
    border-radius: calc(var(--pos-radius) - 2px);
    background: var(--pos-color-warning-surface);
    color: var(--pos-color-warning);
  }

  .toast {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.75rem;
    background: var(--pos-color-success-surface);
    color: var(--pos-color-success);
  }

  .notice.error,
  .toast.error {
    background: var(--pos-color-danger-surface);
    color: var(--pos-color-danger);
  }

  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.3rem 1rem;
    margin: 0;
    font-size: 0.9rem;
  }

  dt {
    color: var(--pos-color-muted);
  }

  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }

  fieldset {
    border: 0;
    padding: 0;
    margin: 0;
    display: grid;
    gap: 0.75rem;
  }

  legend {
    font-weight: 600;
    margin-bottom: 0.5rem;
  }

  .hint,
  .field-error {
    font-size: 0.8rem;
    font-weight: 400;
    color: var(--pos-color-muted);
  }

  .field-error {
    color: var(--pos-color-danger);
  }

  input[aria-invalid='true'] {
    border-color: var(--pos-color-danger);
  }

  .toast:empty {
    display: none;
  }

  .toast button {
    min-height: auto;
    padding: 0.15rem 0.5rem;
    font-size: 0.8rem;
  }
`;
