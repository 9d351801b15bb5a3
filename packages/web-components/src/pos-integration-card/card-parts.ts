/**
 * Every part `<pos-integration-card>` renders, each named as its JSDoc header documents it
 * (`test/manifest.test.ts` holds the two to each other). `<pos-integrations>` forwards each one
 * as `card-<part>`, so a page styles a card inside it as it would style a card on its own.
 */
export const cardParts = [
  'base',
  'header',
  'title',
  'badge',
  'badge-connected',
  'badge-disconnected',
  'badge-error',
  'badge-reconnect',
  'meta',
  'reconnect',
  'error',
  'summary',
  'summary-empty',
  'form',
  'field',
  'input',
  'form-error',
  'actions',
  'button',
  'save-button',
  'connect-button',
  'test-button',
  'logs-button',
  'resync-button',
  'import-button',
  'disconnect-button',
  'dismiss-button',
  'cancel-button',
  'confirm-button',
  'toast',
  'confirm',
] as const;

/** `exportparts` for a card: each of its parts as `card-<part>`. */
export const cardExportParts = cardParts.map((part) => `${part}:card-${part}`).join(', ');
