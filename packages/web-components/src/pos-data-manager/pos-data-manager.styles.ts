import { css } from 'lit';

export const dataManagerStyles = css`
  :host {
    display: block;
  }

  [part~='base'] {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 1rem;
    padding: var(--pos-card-padding, 1.25rem);
    background: var(--pos-color-surface);
    border: 1px solid var(--pos-color-border);
    border-radius: var(--pos-radius);
  }

  .controls {
    display: flex;
    flex-wrap: wrap;
    align-items: stretch;
    gap: 1rem;
  }

  .field {
    display: grid;
    gap: 0.25rem;
    min-width: 0;
    max-width: 100%;
  }

  .field > label {
    font-size: 0.9rem;
    font-weight: 500;
  }

  .controls > .field {
    align-self: start;
  }

  .group {
    margin: 0;
  }

  fieldset {
    border: 1px solid var(--pos-color-border);
    border-radius: calc(var(--pos-radius) - 2px);
    padding: 0.6rem 0.85rem 0.85rem;
    margin: 0;
    min-width: 0;
  }

  form fieldset {
    height: 100%;
  }

  legend {
    font-weight: 600;
    font-size: 0.9rem;
    padding: 0 0.25rem;
  }

  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.75rem;
  }

  input[name='count'] {
    width: 7rem;
  }

  .dropzone {
    position: relative;
    display: flex;
    flex-wrap: wrap;
    max-width: 100%;
    align-items: center;
    gap: 0.6rem;
    min-height: 2.25rem;
    padding: 0.5rem 0.75rem;
    border: 2px dashed var(--pos-color-border);
    border-radius: calc(var(--pos-radius) - 2px);
  }

  .dropzone.active {
    border-color: var(--pos-color-primary);
    background: var(--pos-dropzone-active, color-mix(in srgb, var(--pos-color-primary) 10%, transparent));
  }

  .choose {
    display: inline-flex;
    align-items: center;
    font-weight: 500;
    cursor: pointer;
    border-radius: calc(var(--pos-radius) - 2px);
    border: 1px solid var(--pos-color-primary);
    background: var(--pos-color-primary);
    color: var(--pos-color-primary-text);
    padding: 0.45rem 0.9rem;
  }

  input[type='file']:focus-visible + .choose {
    box-shadow: var(--pos-focus-ring);
  }

  input[type='file']:disabled + .choose {
    cursor: progress;
    opacity: 0.65;
  }

  .hint,
  .detail,
  .empty {
    color: var(--pos-color-muted);
    font-size: 0.85rem;
    font-weight: 400;
  }

  .notice {
    margin: 0;
    min-height: 1.25rem;
    color: var(--pos-color-muted);
  }

  p[part='error'] {
    margin: 0;
  }

  h3 {
    margin: 0;
    font-size: 1rem;
  }

  h3:focus-visible {
    outline: 2px solid transparent;
    box-shadow: var(--pos-focus-ring);
  }

  /* Contained: however wide the table, the page around it does not widen. */
  .scroll {
    overflow-x: auto;
    container-type: inline-size;
  }

  .row-errors {
    overflow-x: auto;
  }

  /* Narrow (a phone): each batch is a block of its own, cells labelled, Purge within reach. */
  @container (max-width: 36rem) {
    [part~='batches'] > thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }

    [part~='batches'],
    [part~='batches'] > tbody {
      display: block;
    }

    [part~='batches'] > tbody > tr[part~='batch'] {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0.25rem 0.75rem;
      padding: 0.6rem 0;
    }

    [part~='batches'] > tbody > tr > th,
    [part~='batches'] > tbody > tr > td {
      display: block;
      padding: 0;
      border-top: 0;
    }

    [part~='batches'] > tbody > tr > th {
      grid-column: 1 / -1;
    }

    [part~='batches'] > tbody > tr.details-row,
    [part~='batches'] > tbody > tr.details-row > td {
      display: block;
    }

    [part~='batches'] > tbody {
      border-top: 1px solid var(--pos-color-border);
    }

    [part~='batches'] > tbody > tr > td.number {
      text-align: left;
    }

    [part~='batches'] > tbody > tr > td[data-label]::before {
      content: attr(data-label) ': ';
      color: var(--pos-color-muted);
    }

    [part~='batches'] > tbody > tr > td:nth-of-type(3),
    [part~='batches'] > tbody > tr > td.actions-cell {
      grid-column: 1 / -1;
    }

    [part~='batches'] .row-actions {
      justify-content: flex-start;
    }
  }

  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.9rem;
  }

  th,
  td {
    text-align: left;
    vertical-align: top;
    padding: 0.5rem 0.6rem;
  }

  thead th {
    color: var(--pos-color-muted);
    font-weight: 600;
    border-bottom: 1px solid var(--pos-color-border);
  }

  tbody > tr:first-child > * {
    border-top: 1px solid var(--pos-color-border);
  }

  tbody th {
    font-weight: 500;
  }

  tbody th .detail,
  td.number .detail {
    display: block;
  }

  .number {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }

  .row-actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 0.4rem;
  }

  .row-actions button {
    min-height: 2rem;
    padding: 0.25rem 0.7rem;
  }

  .progress {
    position: relative;
    overflow: hidden;
    width: 100%;
    min-width: 8rem;
    height: 0.5rem;
    margin-top: 0.45rem;
    border-radius: 999px;
    background: var(--pos-progress-track, var(--pos-color-border));
  }

  .bar {
    height: 100%;
    border-radius: inherit;
    background: var(--pos-progress-color, var(--pos-color-primary));
    transition: width 0.3s ease;
  }

  .progress.indeterminate .bar {
    width: 35% !important;
    animation: slide 1.2s ease-in-out infinite;
  }

  @keyframes slide {
    from {
      transform: translateX(-100%);
    }
    to {
      transform: translateX(300%);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .bar {
      transition: none;
    }
    .progress.indeterminate .bar {
      animation: none;
      width: 100% !important;
      opacity: 0.5;
    }
  }

  .details-row > td {
    padding-top: 0;
  }

  .row-errors {
    padding: 0.65rem 0.8rem;
    border-radius: calc(var(--pos-radius) - 2px);
    background: var(--pos-color-danger-surface);
    color: var(--pos-color-danger);
  }

  .row-errors p {
    margin: 0 0 0.5rem;
  }

  .row-errors table {
    background: var(--pos-color-surface);
    color: var(--pos-color-text);
    border-radius: calc(var(--pos-radius) - 4px);
    margin-bottom: 0.25rem;
  }

  .row-errors td,
  .row-errors th {
    padding: 0.3rem 0.6rem;
  }
`;
