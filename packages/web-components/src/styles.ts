import { css } from 'lit';

/**
 * The look every element shares, driven by custom properties so a host page can theme all of
 * them at once (`--pos-color-primary`, `--pos-radius`, …) and each part with `::part`.
 */
export const baseStyles = css`
  :host {
    --pos-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --pos-color-text: #1f2933;
    --pos-color-muted: #52606d;
    --pos-color-surface: #ffffff;
    --pos-color-border: #d9e2ec;
    --pos-color-primary: #2f5bea;
    --pos-color-primary-text: #ffffff;
    --pos-color-success: #137a3f;
    --pos-color-success-surface: #e3f9e5;
    --pos-color-warning: #8d5a00;
    --pos-color-warning-surface: #fff3c4;
    --pos-color-danger: #b42318;
    --pos-color-danger-surface: #fde8e8;
    --pos-radius: 8px;
    --pos-spacing: 1rem;
    --pos-focus-ring: 0 0 0 3px rgba(47, 91, 234, 0.45);

    font-family: var(--pos-font-family);
    color: var(--pos-color-text);
    box-sizing: border-box;
  }

  :host([hidden]) {
    display: none !important;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  button {
    font: inherit;
    cursor: pointer;
    border-radius: calc(var(--pos-radius) - 2px);
    border: 1px solid var(--pos-color-border);
    background: var(--pos-color-surface);
    color: var(--pos-color-text);
    padding: 0.45rem 0.9rem;
    min-height: 2.25rem;
  }

  button.primary {
    background: var(--pos-color-primary);
    border-color: var(--pos-color-primary);
    color: var(--pos-color-primary-text);
  }

  button.danger {
    color: var(--pos-color-danger);
    border-color: currentColor;
  }

  button.danger.primary {
    background: var(--pos-color-danger);
    border-color: var(--pos-color-danger);
    color: #fff;
  }

  button:disabled {
    cursor: progress;
    opacity: 0.65;
  }

  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  summary:focus-visible {
    outline: none;
    box-shadow: var(--pos-focus-ring);
  }

  input,
  select {
    font: inherit;
    color: inherit;
    padding: 0.4rem 0.55rem;
    border: 1px solid var(--pos-color-border);
    border-radius: calc(var(--pos-radius) - 2px);
    background: var(--pos-color-surface);
    min-height: 2.25rem;
  }

  label {
    display: grid;
    gap: 0.25rem;
    font-size: 0.9rem;
    font-weight: 500;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }

  [role='alert'] {
    color: var(--pos-color-danger);
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
`;

/** Status pills: `.badge` plus a tone class (`connected`/`completed`, `error`/`failed`, `reconnect`/`processing`). */
export const badgeStyles = css`
  .badge {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    padding: 0.15rem 0.6rem;
    border-radius: 999px;
    font-size: 0.8rem;
    font-weight: 600;
    white-space: nowrap;
    background: var(--pos-color-border);
    color: var(--pos-color-muted);
  }

  .badge::before {
    content: '';
    width: 0.5rem;
    height: 0.5rem;
    border-radius: 50%;
    background: currentColor;
  }

  .badge.connected,
  .badge.completed,
  .badge.paid {
    background: var(--pos-color-success-surface);
    color: var(--pos-color-success);
  }

  .badge.error,
  .badge.failed {
    background: var(--pos-color-danger-surface);
    color: var(--pos-color-danger);
  }

  .badge.reconnect,
  .badge.processing,
  .badge.pending {
    background: var(--pos-color-warning-surface);
    color: var(--pos-color-warning);
  }
`;
