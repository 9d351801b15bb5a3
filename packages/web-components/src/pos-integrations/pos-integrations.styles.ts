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

  .status {
    margin: 0;
    color: var(--pos-color-muted);
  }
`;
