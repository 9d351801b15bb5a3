import { css } from 'lit';

export const integrationsStyles = css`
  :host {
    display: block;
  }

  [part~='grid'] {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, var(--pos-integrations-card-min, 24rem)), 1fr));
    gap: var(--pos-integrations-gap, 1rem);
    align-items: start;
  }

  .events {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem 1rem;
    margin-top: var(--pos-integrations-gap, 1rem);
    padding: 0.75rem 1rem;
    border: 1px solid var(--pos-color-border);
    border-radius: var(--pos-radius);
    background: var(--pos-color-surface);
  }

  .events h2 {
    margin: 0;
    font-size: 1rem;
  }

  .events p {
    margin: 0.25rem 0 0;
    color: var(--pos-color-muted);
  }

  .status {
    margin: 0;
    color: var(--pos-color-muted);
  }
`;
