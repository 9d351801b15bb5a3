import { css } from 'lit';

export const dataExportStyles = css`
  :host {
    display: block;
  }

  [part~='base'] {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.75rem;
    margin: 0;
    padding: var(--pos-spacing);
    border: 1px solid var(--pos-color-border);
    border-radius: var(--pos-radius);
    background: var(--pos-color-surface);
  }

  [part~='label'] {
    font-weight: 600;
    padding: 0 0.25rem;
  }

  [part~='status'] {
    flex-basis: 100%;
    margin: 0;
    min-height: 1.25rem;
    color: var(--pos-data-export-status-color, var(--pos-color-muted));
  }
`;
