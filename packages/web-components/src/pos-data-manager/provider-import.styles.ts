import { css } from 'lit';

/** The provider imports' forms and the list of rows a provider import found missing. */
export const providerImportStyles = css`
  .provider-import {
    flex: 1 1 18rem;
    max-width: 100%;
  }

  .check {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr);
    align-items: start;
    gap: 0.25rem 0.5rem;
    margin-top: 0.75rem;
  }

  .check input {
    width: 1.1rem;
    height: 1.1rem;
    min-height: 0;
    padding: 0;
    margin: 0.2rem 0 0;
  }

  .check .hint {
    grid-column: 2;
    margin: 0;
  }

  .missing {
    overflow-x: auto;
    padding: 0.65rem 0.8rem;
    border-radius: calc(var(--pos-radius) - 2px);
    background: var(--pos-color-subtle);
    color: var(--pos-color-text);
  }

  .missing p {
    margin: 0 0 0.5rem;
  }

  .missing table {
    background: var(--pos-color-surface);
    border-radius: calc(var(--pos-radius) - 4px);
    margin-bottom: 0.25rem;
  }

  .missing td,
  .missing th {
    padding: 0.3rem 0.6rem;
  }

  td.ref {
    overflow-wrap: anywhere;
    font-variant-numeric: tabular-nums;
  }
`;
