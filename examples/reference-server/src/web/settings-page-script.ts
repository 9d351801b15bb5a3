/** Where the settings page's script is served; the page carries no inline script (its CSP forbids it). */
export const SETTINGS_SCRIPT_PATH = '/settings-page.js';

/**
 * The settings page's own script, a module that imports the variant's web components bundle:
 * it hands an OAuth result to the card that opened the page as a popup, fills in the demo hints,
 * passes a typed API key to the elements, and runs the checkout demo (a new order per visit).
 */
export function settingsPageScript(bundle: string): string {
  return `import * as pos from ${JSON.stringify(bundle)};
// Opened as an OAuth popup (full variant): hand the result to the card that opened it, and close.
if (pos.deliverOAuthResult?.(window) !== 'delivered') {
  for (const code of document.querySelectorAll('[data-origin-path]')) {
    code.textContent = location.origin + code.dataset.originPath;
  }
  const form = document.getElementById('api-key-form');
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = new FormData(form).get('key');
    for (const element of document.querySelectorAll(
      'pos-integrations, pos-data-manager, pos-data-export, pos-stripe-checkout-button',
    )) {
      element.token = String(key ?? '');
    }
    form.reset();
  });
  // Each visit is a new order; once it is paid, "Next order" starts another.
  const orderId = document.getElementById('order-id');
  const checkout = document.querySelector('pos-stripe-checkout-button');
  const nextOrder = document.getElementById('next-order');
  const newOrder = () => {
    const id = 'ORDER-' + crypto.randomUUID().slice(0, 8).toUpperCase();
    orderId.textContent = id;
    if (checkout) checkout.orderId = id;
    if (nextOrder) nextOrder.hidden = true;
  };
  newOrder();
  document.addEventListener('pos-payment-paid', () => {
    nextOrder.hidden = false;
  });
  nextOrder?.addEventListener('click', newOrder);
  const selection = document.getElementById('selection');
  document.addEventListener('pos-payment-method-change', (event) => {
    const { method, payments, valid } = event.detail;
    selection.textContent = valid
      ? 'Ready to record ' + payments.map((p) => p.method + ' ' + (p.amount / 100).toFixed(2)).join(' + ') + '.'
      : 'The split does not add up to the total yet.';
  });
  document.addEventListener('pos-payment-recorded', (event) => {
    const { payments } = event.detail;
    selection.textContent =
      'Recorded ' + payments.map((p) => p.method + ' ' + (p.amount / 100).toFixed(2)).join(' + ') + '.';
  });
}
`;
}
