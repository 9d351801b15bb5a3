import { expect } from 'vitest';

/** HTML character references in a simulated page's attribute values, decoded. */
export const decode = (value: string) =>
  value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/**
 * What a browser does on a simulated consent page: load it, press a button (submit the form),
 * follow the provider's redirect to our callback with the flow's cookie (set with the auth URL),
 * and stop where the callback sends it.
 */
export async function consent(authUrl: string, decision: 'approve' | 'deny', cookie: string) {
  const page = await fetch(authUrl, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('SIMULATION');
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] as string;
  const fields = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]) => [
      decode(name as string),
      decode(value as string),
    ]),
  );
  const decided = await fetch(new URL(decode(action), authUrl), {
    method: 'POST',
    body: new URLSearchParams({ ...fields, decision }),
    redirect: 'manual',
  });
  expect(decided.status).toBe(302);
  const callbackUrl = decided.headers.get('location') as string;
  const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
  expect(callback.status).toBe(302);
  return { page, callbackUrl, landing: new URL(callback.headers.get('location') as string, authUrl) };
}
