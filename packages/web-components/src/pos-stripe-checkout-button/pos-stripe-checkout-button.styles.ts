import { css } from 'lit';

export const checkoutStyles = css`
  :host {
    display: block;
  }

  [part~='base'] {
    display: grid;
    gap: 0.75rem;
    justify-items: start;
  }

  .session {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 1rem 1.25rem;
    padding: 0.85rem;
    border: 1px solid var(--pos-color-border);
    border-radius: var(--pos-radius);
    background: var(--pos-color-surface);
  }

  .qr {
    display: block;
    width: var(--pos-qr-size, 11rem);
    height: var(--pos-qr-size, 11rem);
  }

  .how {
    display: grid;
    gap: 0.5rem;
    max-width: 20rem;
  }

  .how p {
    margin: 0;
  }

  a {
    color: var(--pos-color-primary);
    font-weight: 600;
  }

  a:focus-visible {
    outline: 2px solid transparent;
    box-shadow: var(--pos-focus-ring);
    border-radius: 2px;
  }

  .detail {
    color: var(--pos-color-muted);
    font-size: 0.85rem;
  }

  .status {
    margin: 0;
    color: var(--pos-color-muted);
  }

  .status:empty {
    display: none;
  }

  .status .badge {
    font-size: 0.95rem;
    padding: 0.3rem 0.8rem;
  }

  p[part='error'] {
    margin: 0;
  }
`;
