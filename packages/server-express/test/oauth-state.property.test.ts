import { clover } from '@pos/connector-clover';
import { stripe } from '@pos/connector-stripe';
import { OAUTH_STATE_TTL_MS, silentLogger } from '@pos/integrations-core';
import { createOutboundGuard } from '@pos/integrations-core/connector';
import {
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_REDIRECT_URI,
  cloverSimulation,
  cookiesOf,
  ManualClock,
  STRIPE_CLIENT_ID,
  STRIPE_REDIRECT_URI,
  STRIPE_SECRET_KEY,
  stripeSimulation,
  useProviderMock,
} from '@pos/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './harness.js';

const mock = useProviderMock();
/** Each simulation has one account: once a tenant holds it, other tenants are refused. */
const IN_USE_CODE = { stripe: 'STRIPE_ACCOUNT_IN_USE', clover: 'CLOVER_MERCHANT_IN_USE' } as const;
const TENANTS = ['tenant-a', 'tenant-b', 'tenant-c'] as const;
const PROVIDERS = ['stripe', 'clover'] as const;
type Tenant = (typeof TENANTS)[number];
type Provider = (typeof PROVIDERS)[number];

type Command =
  | { type: 'issue'; tenant: Tenant; provider: Provider }
  | { type: 'advance'; ms: number }
  | {
      type: 'callback';
      provider: Provider;
      /** Which state to present: one we issued (counted back from the newest), one nobody issued, or none. */
      state: { kind: 'issued'; pick: number } | { kind: 'forged'; value: string } | { kind: 'missing' };
      /** Whose browser session opens the redirect; the state alone must decide the tenant. */
      presenter: Tenant | null;
      /**
       * The flow cookie the browser sends: the one set with the presented state's auth URL, none
       * (another browser), or the cookie of another flow.
       */
      cookie: 'own' | 'none' | 'other';
    };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('issue' as const),
      tenant: fc.constantFrom(...TENANTS),
      provider: fc.constantFrom(...PROVIDERS),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('advance' as const),
      // Small steps, and jumps around the ten-minute lifetime (its edges included).
      ms: fc.oneof(
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 9 * 60_000, max: 11 * 60_000 }),
        fc.constantFrom(OAUTH_STATE_TTL_MS - 1, OAUTH_STATE_TTL_MS),
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('callback' as const),
      provider: fc.constantFrom(...PROVIDERS),
      state: fc.oneof(
        {
          weight: 5,
          // Counted back from the newest state: recent ones, which may still be valid, most often.
          arbitrary: fc.record({
            kind: fc.constant('issued' as const),
            pick: fc.oneof(fc.constantFrom(0, 0, 1), fc.nat()),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant('forged' as const),
            value: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.string({ maxLength: 60 })),
          }),
        },
        { weight: 1, arbitrary: fc.constant({ kind: 'missing' as const }) },
      ),
      presenter: fc.option(fc.constantFrom(...TENANTS), { nil: null }),
      cookie: fc.constantFrom('own', 'own', 'own', 'none', 'other'),
    }),
  },
);

describe('Property 1: OAuth state validation', () => {
  it('lets only an issued, unexpired, unused state for the same provider through, once, for the tenant it was issued to, from the browser that asked for it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 14 }), async (commands) => {
        const clock = new ManualClock();
        const stripeSim = stripeSimulation();
        const cloverSim = cloverSimulation({ clock });
        mock.resetHandlers(...stripeSim.handlers, ...cloverSim.handlers);
        const connectors = {
          stripe: stripe({
            clientId: STRIPE_CLIENT_ID,
            secretKey: STRIPE_SECRET_KEY,
            redirectUri: STRIPE_REDIRECT_URI,
          }),
          clover: clover({ appId: CLOVER_APP_ID, appSecret: CLOVER_APP_SECRET, redirectUri: CLOVER_REDIRECT_URI }),
        };
        const consent = { stripe: stripeSim.approve, clover: cloverSim.approve };
        const server = await startTestServer({ connectors: [connectors.stripe, connectors.clover], clock });
        try {
          const issued: Array<{
            state: string;
            cookie: string;
            tenant: Tenant;
            provider: Provider;
            at: number;
            used: boolean;
          }> = [];
          const holder: Partial<Record<Provider, Tenant>> = {};
          const connected = new Set<string>();
          const exchanges = { stripe: 0, clover: 0 };

          for (const step of commands) {
            if (step.type === 'issue') {
              const response = await server.as(step.tenant)('POST', `/api/integrations/${step.provider}/auth-url`);
              expect(response.status).toBe(200);
              issued.push({
                state: response.body.state as string,
                cookie: cookiesOf(response),
                tenant: step.tenant,
                provider: step.provider,
                at: clock.now().getTime(),
                used: false,
              });
              continue;
            }
            if (step.type === 'advance') {
              clock.advance(step.ms);
              continue;
            }
            // The provider's redirect with a fresh code, carrying whichever state is presented.
            const context = { tenantId: 'none', clock, logger: silentLogger, outbound: createOutboundGuard() };
            const back = consent[step.provider](connectors[step.provider].authorizationUrl('placeholder', context));
            back.searchParams.delete('state');
            const entry =
              step.state.kind === 'issued' && issued.length > 0
                ? issued[issued.length - 1 - (step.state.pick % issued.length)]
                : undefined;
            if (entry) back.searchParams.set('state', entry.state);
            else if (step.state.kind === 'forged') back.searchParams.set('state', step.state.value);

            const other = issued.find((candidate) => candidate !== entry);
            const cookie = step.cookie === 'own' ? entry?.cookie : step.cookie === 'other' ? other?.cookie : undefined;
            // Without its own flow's cookie a callback is refused before the state is looked at.
            const fromItsBrowser = entry !== undefined && step.cookie === 'own';
            const accepted =
              fromItsBrowser &&
              !entry.used &&
              entry.provider === step.provider &&
              clock.now().getTime() - entry.at < OAUTH_STATE_TTL_MS;
            if (fromItsBrowser) entry.used = true; // presenting a state uses it up, accepted or not
            let refusedCode = `${step.provider.toUpperCase()}_STATE_INVALID`;
            if (accepted) {
              exchanges[step.provider] += 1;
              const owner = holder[step.provider] ?? entry.tenant;
              if (owner === entry.tenant) {
                holder[step.provider] = entry.tenant;
                connected.add(`${entry.tenant}/${step.provider}`);
              } else {
                refusedCode = IN_USE_CODE[step.provider];
              }
            }
            const linked = accepted && holder[step.provider] === entry.tenant;

            const request = step.presenter ? server.as(step.presenter) : server.anonymous;
            const response = await request('GET', `/api/integrations/${step.provider}/callback${back.search}`, {
              ...(cookie ? { headers: { cookie } } : {}),
            });
            expect(response.status).toBe(302);
            const outcome = Object.fromEntries(
              new URL(response.headers.get('location') as string, 'http://pos.test').searchParams,
            );
            expect(outcome).toEqual(
              linked
                ? { provider: step.provider, status: 'connected' }
                : { provider: step.provider, status: 'error', error_code: refusedCode },
            );
          }

          expect(stripeSim.calls.token).toBe(exchanges.stripe);
          expect(cloverSim.calls.token).toBe(exchanges.clover);
          for (const tenant of TENANTS) {
            for (const provider of PROVIDERS) {
              const status = await server.as(tenant)('GET', `/api/integrations/${provider}/status`);
              expect(status.body.connected).toBe(connected.has(`${tenant}/${provider}`));
            }
          }
        } finally {
          await server.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
