// The pages a simulated provider shows a person: consent and hosted checkout, each marked as a simulation.
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The frame of every simulated provider page: a red SIMULATION banner above a card. `banner`
 * and `main` are HTML the caller escaped; `accent` colours the button whose value is `primary`.
 */
export function simulatedPage(page: { title: string; banner: string; main: string; primary: string; accent: string }) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>${page.title}</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f4f5; color: #18181b; }
      .banner { background: #b91c1c; color: #fff; padding: 12px 20px; font-weight: 700; text-align: center; }
      main { max-width: min(30rem, calc(100% - 1.5rem)); margin: clamp(1rem, 6vw, 3rem) auto; background: #fff; border-radius: 12px; padding: clamp(1rem, 5vw, 2rem); box-shadow: 0 1px 4px #0002; }
      h1 { overflow-wrap: anywhere; }
      .actions { display: flex; flex-wrap: wrap; gap: 1rem; margin-top: 2rem; }
      button { font: inherit; padding: 0.6rem 1.2rem; border-radius: 8px; border: 1px solid #a1a1aa; cursor: pointer; }
      button[value="${page.primary}"] { background: ${page.accent}; border-color: ${page.accent}; color: #fff; }
      code { background: #f4f4f5; padding: 0 4px; border-radius: 4px; overflow-wrap: anywhere; }
      .amount { font-size: 2rem; font-weight: 700; margin: 0.5rem 0 1.5rem; }
      .note { color: #52525b; font-size: 0.9rem; }
    </style>
  </head>
  <body>
    <div class="banner" role="alert">${page.banner}</div>
    <main>
${page.main}
    </main>
  </body>
</html>
`;
}

/** What a simulated consent page shows and where its two buttons send the browser. */
export interface ConsentPage {
  provider: string;
  /** Who asks for access, e.g. "POS Integrations demo (ca_…)". */
  requester: string;
  /** What the merchant grants, e.g. "Demo Coffee (acct_…)". */
  account: string;
  /** The scope the request names; absent for providers whose apps get fixed permissions (Clover). */
  scope?: string;
  /** Where the form posts; the hidden fields travel with the choice. */
  action: string;
  fields: Record<string, string>;
}

/**
 * The HTML of a simulated provider consent page. It says loudly that it is a simulation: nothing
 * here is the provider, and nothing is sent anywhere but back to this server.
 */
export function consentPage(page: ConsentPage): string {
  const hidden = Object.entries(page.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n        ');
  return simulatedPage({
    title: `SIMULATED ${escapeHtml(page.provider)} consent (demo mode)`,
    banner: `SIMULATION: this is not ${escapeHtml(page.provider)}. Demo mode only, no real account is connected.`,
    primary: 'approve',
    accent: '#2563eb',
    main: `      <h1>Connect to ${escapeHtml(page.provider)} (simulated)</h1>
      <p><strong>${escapeHtml(page.requester)}</strong> asks for ${
        page.scope === undefined
          ? `access to <strong>${escapeHtml(page.account)}</strong>, with the permissions set for the app in ${escapeHtml(page.provider)}'s developer dashboard.`
          : `<code>${escapeHtml(page.scope)}</code> access to <strong>${escapeHtml(page.account)}</strong>.`
      }</p>
      <form method="post" action="${escapeHtml(page.action)}">
        ${hidden}
        <div class="actions">
          <button type="submit" name="decision" value="approve">Connect (simulated)</button>
          <button type="submit" name="decision" value="deny">Deny</button>
        </div>
      </form>`,
  });
}

/** What the simulated hosted checkout page shows and where its two buttons post. */
export interface CheckoutPage {
  sessionId: string;
  account: string;
  orderId: string;
  amount: number;
  currency: string;
  action: string;
}

function formatAmount(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  let digits = 2;
  try {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // an unknown code keeps two decimals
  }
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).format(amount / 10 ** digits);
}

/**
 * The HTML of the simulated Stripe Checkout page. It says loudly that it is a simulation: no card
 * is asked for, and pressing a button only makes this server send itself a signed webhook.
 */
export function checkoutPage(page: CheckoutPage): string {
  return simulatedPage({
    title: 'SIMULATED Stripe Checkout (demo mode)',
    banner: 'SIMULATION: this is not Stripe. Demo mode only, no card is charged.',
    primary: 'pay',
    accent: '#635bff',
    main: `      <h1>Pay for order ${escapeHtml(page.orderId)} (simulated)</h1>
      <p class="amount" data-amount="${page.amount}" data-currency="${escapeHtml(page.currency)}">${escapeHtml(formatAmount(page.amount, page.currency))}</p>
      <p class="note">Session <code>${escapeHtml(page.sessionId)}</code> on <code>${escapeHtml(page.account)}</code>.
        Pay completes the session and sends a signed <code>checkout.session.completed</code> webhook;
        Cancel expires it at once (real Stripe keeps it open until it expires) and sends
        <code>checkout.session.expired</code>.</p>
      <form method="post" action="${escapeHtml(page.action)}">
        <div class="actions">
          <button type="submit" name="decision" value="pay">Pay (simulated)</button>
          <button type="submit" name="decision" value="cancel">Cancel</button>
        </div>
      </form>`,
  });
}
