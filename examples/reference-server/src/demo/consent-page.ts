/** What a simulated consent page shows and where its two buttons send the browser. */
export interface ConsentPage {
  provider: string;
  /** Who asks for access, e.g. "POS Integrations demo (ca_…)". */
  requester: string;
  /** What the merchant grants, e.g. "Demo Coffee (acct_…)". */
  account: string;
  scope: string;
  /** Where the form posts; the hidden fields travel with the choice. */
  action: string;
  fields: Record<string, string>;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The HTML of a simulated provider consent page. It says loudly that it is a simulation: nothing
 * here is the provider, and nothing is sent anywhere but back to this server.
 */
export function consentPage(page: ConsentPage): string {
  const hidden = Object.entries(page.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n        ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>SIMULATED ${escapeHtml(page.provider)} consent (demo mode)</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f4f5; color: #18181b; }
      .banner { background: #b91c1c; color: #fff; padding: 12px 20px; font-weight: 700; text-align: center; }
      main { max-width: 30rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 1px 4px #0002; }
      .actions { display: flex; gap: 1rem; margin-top: 2rem; }
      button { font: inherit; padding: 0.6rem 1.2rem; border-radius: 8px; border: 1px solid #a1a1aa; cursor: pointer; }
      button[value="approve"] { background: #2563eb; border-color: #2563eb; color: #fff; }
      code { background: #f4f4f5; padding: 0 4px; border-radius: 4px; }
    </style>
  </head>
  <body>
    <div class="banner" role="alert">SIMULATION: this is not ${escapeHtml(page.provider)}. Demo mode only, no real account is connected.</div>
    <main>
      <h1>Connect to ${escapeHtml(page.provider)} (simulated)</h1>
      <p><strong>${escapeHtml(page.requester)}</strong> asks for <code>${escapeHtml(page.scope)}</code> access to
        <strong>${escapeHtml(page.account)}</strong>.</p>
      <form method="post" action="${escapeHtml(page.action)}">
        ${hidden}
        <div class="actions">
          <button type="submit" name="decision" value="approve">Connect (simulated)</button>
          <button type="submit" name="decision" value="deny">Deny</button>
        </div>
      </form>
    </main>
  </body>
</html>
`;
}
