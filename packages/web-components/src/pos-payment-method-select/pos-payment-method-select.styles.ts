import { css } from 'lit';

export const paymentStyles = css`
  :host {
    display: block;
  }

  fieldset {
    border: 1px solid var(--pos-color-border);
    border-radius: var(--pos-radius);
    padding: var(--pos-spacing);
    margin: 0;
    min-width: 0;
    display: grid;
    gap: 0.85rem;
    background: var(--pos-color-surface);
  }

  legend {
    font-weight: 600;
    padding: 0 0.25rem;
  }

  .methods {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  .method {
    display: inline-flex;
    flex-direction: row;
    align-items: center;
    gap: 0.4rem;
    padding: 0.45rem 0.8rem;
    border: 1px solid var(--pos-color-border);
    border-radius: calc(var(--pos-radius) - 2px);
    cursor: pointer;
  }

  .method:has(input:checked) {
    border-color: var(--pos-color-primary);
    box-shadow: inset 0 0 0 1px var(--pos-color-primary);
  }

  .method:has(input:focus-visible) {
    box-shadow: var(--pos-focus-ring);
  }

  .method input {
    margin: 0;
    min-height: auto;
  }

  .split {
    display: grid;
    gap: 0.6rem;
  }

  .row {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) auto;
    gap: 0.5rem;
    align-items: end;
  }

  .row input,
  .row select {
    width: 100%;
    min-width: 0;
  }

  input[aria-invalid='true'] {
    border-color: var(--pos-color-danger);
  }

  .balance {
    margin: 0;
    font-weight: 600;
  }

  .balance.balanced {
    color: var(--pos-color-success);
  }

  .balance.unbalanced {
    color: var(--pos-color-danger);
  }

  .balance.remaining {
    font-weight: 400;
  }

  .actions {
    margin-top: 0.75rem;
  }

  .errors {
    margin: 0;
    padding-left: 1.1rem;
    color: var(--pos-color-danger);
    font-size: 0.85rem;
  }
`;
