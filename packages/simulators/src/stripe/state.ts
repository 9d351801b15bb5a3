import { json, type SimulatedRequest, type SimulatedResponse } from '../exchange.js';
import type { StripeDelivery, StripeWebhookEndpoint } from './events.js';
import {
  type SimulatedSession,
  STRIPE_CLIENT_ID,
  STRIPE_REDIRECT_URI,
  STRIPE_SECRET_KEY,
  type StripeAccount,
  stripeAccount,
} from './fixtures.js';
import type { SimulatedDispute, SimulatedPayment, SimulatedRefund } from './refunds.js';

export interface StripeSimulatorOptions {
  /** The platform's client id and secret key (the fixtures' by default). */
  clientId?: string;
  secretKey?: string;
  /** The account the consent step connects unless told another. */
  account?: StripeAccount;
  /** Accounts already connected when the simulator starts (a restarted demo keeps its merchant). */
  connectedAccounts?: string[];
  /**
   * The platform's registered redirect URI. When set, any other is refused, as Stripe does; the
   * default applies when the authorize URL names none (`STRIPE_REDIRECT_URI` otherwise).
   */
  redirectUri?: () => string;
  /** Stripe's clock in milliseconds, for `expires_at` and code lifetimes (default: real time). */
  now?: () => number;
  /** How long a session create takes, so concurrent requests really overlap (default 0). */
  createDelayMs?: number;
  /** Where the hosted checkout pages are (`<id>` is appended); default this simulator's own `/checkout/pay`. */
  checkoutBase?: string;
  /** Where the simulated hosted page delivers `checkout.session.*` events, signed with the endpoint secret. */
  webhook?: StripeWebhookEndpoint;
  /** A word put into every id and token it makes (`cs_test_demo…`), so they are recognisable. */
  tag?: string;
}

/** What the Connect side and the Checkout side of one simulated Stripe share. */
export function stripeState(options: StripeSimulatorOptions) {
  const account = options.account ?? stripeAccount();
  const secretKey = options.secretKey ?? STRIPE_SECRET_KEY;
  return {
    clientId: options.clientId ?? STRIPE_CLIENT_ID,
    account,
    tag: options.tag ?? '',
    now: options.now ?? Date.now,
    /** The registered redirect URI, and whether others are refused. */
    redirectUri: () => options.redirectUri?.() ?? STRIPE_REDIRECT_URI,
    strictRedirect: options.redirectUri !== undefined,
    createDelayMs: options.createDelayMs ?? 0,
    checkoutBase: options.checkoutBase,
    webhook: options.webhook,
    /** Every account a merchant approved with, by id: the default one, and others named at consent. */
    accounts: new Map<string, StripeAccount>([[account.id, account]]),
    /** Accounts currently connected to the platform. */
    connected: new Set<string>(options.connectedAccounts ?? []),
    /** Each code, the account whose consent issued it, and until when it may be exchanged. */
    codes: new Map<string, { status: 'issued' | 'used'; account: string; expires: number }>(),
    /** Tokens handed out, newest last. */
    issued: [] as Array<{ access_token: string; refresh_token: string; code: string }>,
    calls: {
      token: 0,
      deauthorize: 0,
      account: 0,
      createSession: 0,
      sessionsCreated: 0,
      retrieveSession: 0,
      expireSession: 0,
      createRefund: 0,
    },
    /** Checkout Sessions created so far, by id, and the connected account each lives on. */
    sessions: new Map<string, SimulatedSession>(),
    sessionAccounts: new Map<string, string>(),
    /** What each create request looked like: its Stripe-Account, Idempotency-Key and form fields. */
    createRequests: [] as Array<{
      account: string | null;
      idempotencyKey: string | null;
      params: Record<string, string>;
    }>,
    idempotent: new Map<string, { params: string; response: SimulatedResponse }>(),
    failNextCreates: 0,
    /** Each paid session's PaymentIntent and charge, by session id. */
    payments: new Map<string, SimulatedPayment>(),
    refunds: new Map<string, SimulatedRefund>(),
    disputes: new Map<string, SimulatedDispute>(),
    /** What each refund request looked like: its Stripe-Account, Idempotency-Key and form fields. */
    refundRequests: [] as Array<{
      account: string | null;
      idempotencyKey: string | null;
      params: Record<string, string>;
    }>,
    /** The status new refunds get (`succeeded`, or `pending` as for some payment methods). */
    refundStatus: 'succeeded' as SimulatedRefund['status'],
    /** Runs with a new refund's events before the create request is answered (a webhook that wins the race). */
    beforeRefundAnswer: undefined as ((events: Record<string, unknown>[]) => Promise<void>) | undefined,
    /** Events the hosted page delivered, and how the endpoint answered each. */
    webhooks: [] as StripeDelivery[],
    platformKeyOk: (request: SimulatedRequest) => request.headers.get('authorization') === `Bearer ${secretKey}`,
  };
}

export type StripeState = ReturnType<typeof stripeState>;

export const stripeError = (status: number, type: string, message: string, code?: string, param?: string) =>
  json(status, { error: { type, message, ...(code ? { code } : {}), ...(param ? { param } : {}) } });

/**
 * Stripe's Idempotency-Key for a POST on `endpoint`: `replay` is the stored answer for the same
 * key (or the `idempotency_error` for other parameters); `answer` stores a new answer under it.
 */
export function idempotency(
  state: StripeState,
  endpoint: string,
  request: SimulatedRequest,
  params: Record<string, string>,
) {
  const key = request.headers.get('idempotency-key');
  const stored = `${endpoint}:${request.headers.get('stripe-account')}:${key}`;
  const fingerprint = JSON.stringify(params);
  const earlier = key ? state.idempotent.get(stored) : undefined;
  let replay: SimulatedResponse | undefined;
  if (earlier && earlier.params !== fingerprint) {
    replay = stripeError(
      400,
      'idempotency_error',
      'Keys for idempotent requests can only be used with the same parameters they were first used with.',
    );
  } else if (earlier) {
    replay = { ...earlier.response, headers: { ...earlier.response.headers, 'idempotent-replayed': 'true' } };
  }
  const answer = (status: number, body: unknown) => {
    const response = json(status, body);
    if (key) state.idempotent.set(stored, { params: fingerprint, response });
    return response;
  };
  return { replay, answer };
}

export const oauthError = (status: number, error: string, description: string) =>
  json(status, { error, error_description: description });
