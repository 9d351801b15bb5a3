import { escapeHtml, simulatedPage } from './simulated-page.js';

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
      <p><strong>${escapeHtml(page.requester)}</strong> asks for <code>${escapeHtml(page.scope)}</code> access to
        <strong>${escapeHtml(page.account)}</strong>.</p>
      <form method="post" action="${escapeHtml(page.action)}">
        ${hidden}
        <div class="actions">
          <button type="submit" name="decision" value="approve">Connect (simulated)</button>
          <button type="submit" name="decision" value="deny">Deny</button>
        </div>
      </form>`,
  });
}
