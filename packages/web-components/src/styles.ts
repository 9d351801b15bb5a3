import { css } from 'lit';

/**
 * The look every element shares, driven by custom properties so a host page can theme all of
 * them at once (`--pos-color-primary`, `--pos-radius`, …) and each part with `::part`.
 */
export const baseStyles = css`
  :host {
    /*
     * Light or dark as the reader's system prefers (prefers-color-scheme); a page forces one with
     * --pos-color-scheme: light (or dark) on the element or any ancestor, and it reaches the
     * elements nested inside. Every colour below is light-dark(light value, dark value).
     */
    color-scheme: var(--pos-color-scheme, light dark);
    --pos-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --pos-color-text: light-dark(#1f2933, #e4e7eb);
    --pos-color-muted: light-dark(#52606d, #b0bac5);
    --pos-color-surface: light-dark(#ffffff, #1f2933);
    --pos-color-subtle: light-dark(#f5f7fa, #151d26);
    --pos-color-border: light-dark(#d9e2ec, #2d3a48);
    --pos-color-primary: light-dark(#2f5bea, #8ab4ff);
    --pos-color-primary-text: light-dark(#ffffff, #0b1a33);
    --pos-color-success: light-dark(#137a3f, #6fcf97);
    --pos-color-success-surface: light-dark(#e3f9e5, #12361f);
    --pos-color-warning: light-dark(#8d5a00, #f7c948);
    --pos-color-warning-surface: light-dark(#fff3c4, #3d2e00);
    --pos-color-danger: light-dark(#b42318, #ff8a80);
    --pos-color-danger-surface: light-dark(#fde8e8, #4a1414);
    --pos-color-danger-text: light-dark(#ffffff, #1f2933);
    --pos-color-focus: light-dark(#2f5bea, #8ab4ff);
    --pos-radius: 8px;
    --pos-spacing: 1rem;
    /* A gap the colour of the surface, then a solid ring: at least 3:1 against either theme's surface. */
    --pos-focus-ring: 0 0 0 2px var(--pos-color-surface), 0 0 0 4px var(--pos-color-focus);

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
    color: var(--pos-color-danger-text);
  }

  button:disabled {
    cursor: progress;
    opacity: 0.65;
  }

  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  summary:focus-visible {
    /* Transparent, so only forced-colors mode (which drops shadows) draws it. */
    outline: 2px solid transparent;
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
    max-width: 100%;
  }

  fieldset {
    min-width: 0;
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
