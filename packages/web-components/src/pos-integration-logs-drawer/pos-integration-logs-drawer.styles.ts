import { css } from 'lit';

export const drawerStyles = css`
  :host {
    display: contents;
  }

  dialog {
    margin: 0 0 0 auto;
    padding: 0;
    width: var(--pos-drawer-width, min(32rem, 100vw));
    max-width: 100vw;
    height: 100vh;
    max-height: 100vh;
    border: 0;
    border-left: 1px solid var(--pos-color-border);
    background: var(--pos-color-surface);
    color: var(--pos-color-text);
    font-family: var(--pos-font-family);
    box-shadow: -8px 0 24px rgba(15, 23, 42, 0.15);
  }

  dialog::backdrop {
    background: var(--pos-drawer-backdrop, rgba(15, 23, 42, 0.45));
  }

  .panel {
    display: flex;
    flex-direction: column;
    height: 100%;
  }

  header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1rem;
    padding: 1rem 1.25rem;
    border-bottom: 1px solid var(--pos-color-border);
  }

  h2 {
    margin: 0;
    font-size: 1.15rem;
  }

  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    padding: 0.75rem 1.25rem;
    border-bottom: 1px solid var(--pos-color-border);
  }

  .body {
    flex: 1;
    overflow: auto;
    padding: 0.75rem 1.25rem 1.25rem;
  }

  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.6rem;
  }

  /* minmax(0, …): a long line in the details wraps inside its box, never widens the entry. */
  li {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.25rem;
    padding: 0.6rem 0.75rem;
    border: 1px solid var(--pos-color-border);
    border-radius: calc(var(--pos-radius) - 2px);
    border-left-width: 4px;
  }

  li.warning {
    border-left-color: var(--pos-color-warning);
  }

  li.error {
    border-left-color: var(--pos-color-danger);
  }

  li.info {
    border-left-color: var(--pos-color-primary);
  }

  .entry-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.5rem;
    font-size: 0.8rem;
    color: var(--pos-color-muted);
  }

  .level {
    font-weight: 700;
    text-transform: uppercase;
    letter-spacing: 0.03em;
  }

  .event {
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  }

  .message {
    margin: 0;
  }

  details summary {
    cursor: pointer;
    font-size: 0.85rem;
    color: var(--pos-color-primary);
    width: fit-content;
  }

  pre {
    margin: 0.35rem 0 0;
    padding: 0.5rem;
    background: var(--pos-color-subtle);
    border-radius: 4px;
    font-size: 0.8rem;
    /* Wrapped, not scrolled: readable on a phone, and no scroll box a keyboard cannot reach. */
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  .more {
    margin-top: 0.75rem;
    display: flex;
    justify-content: center;
  }

  .empty {
    color: var(--pos-color-muted);
  }
`;
