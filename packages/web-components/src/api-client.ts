/**
 * The module that knows the server's routes. Elements call these methods and never build a URL
 * themselves, so a host that mounts the API elsewhere only changes `api-base`. The Data Manager
 * and payment routes live in clients of their own beside their elements
 * (`pos-data-manager/data-manager-client.ts`, `pos-stripe-checkout-button/payments-client.ts`),
 * so the lite and export bundles carry none of them.
 *
 * The response types below are the HTTP contract as a browser sees it. They mirror the shapes
 * `@pos/integrations-core` produces on purpose: this package depends on nothing but `lit`, so it
 * cannot import them from a Node package.
 */

export type IntegrationKind = 'api_key' | 'oauth';
export type ConnectionStatus = 'connected' | 'disconnected' | 'error';
export type LogLevel = 'info' | 'warning' | 'error';

/** One field of an API-key provider's credentials form, as the server describes it. */
export interface CredentialField {
  name: string;
  label: string;
  secret: boolean;
  required: boolean;
  options?: string[];
  /** What leaving the field out means; the form shows it chosen. */
  default?: string;
  placeholder?: string;
}

/** A configured connector, from `GET /api/integrations`. */
export interface IntegrationDescriptor {
  id: string;
  name: string;
  kind: IntegrationKind;
  fields?: CredentialField[];
  /** What the connector calls its summary fields (`charges_enabled: 'Card payments'`). */
  labels?: Record<string, string>;
  /** What disconnecting leaves to the merchant (revoking a key at the provider), shown when they confirm. */
  disconnect_note?: string;
  /** Present when the connector receives the sync outbox (Supabase). */
  sync?: boolean;
  /** The entity types the Data Manager can import from the provider (`['products', 'customers']`), when it offers a catalogue. */
  catalogue?: string[];
}

export interface IntegrationStatus {
  provider: string;
  connected: boolean;
  status: ConnectionStatus;
  last_tested_at: string | null;
  last_error: string | null;
  last_error_code: string | null;
  needs_reconnect: boolean;
  connected_at: string | null;
  [providerField: string]: unknown;
}

export interface Capabilities {
  accounting_mode: string;
  features: Record<string, boolean>;
  version: string;
  build_hash: string;
  build_variant: 'lite' | 'export' | 'full';
}

export interface ActionResult {
  success: boolean;
  message: string;
}

export interface TestResult extends ActionResult {
  error_code?: string;
  tested_at: string;
}

/** `POST …/resync`: every current row queued again for the sync target. */
export interface ResyncResult extends ActionResult {
  queued: number;
  entities: Record<string, number>;
  pending_queue_count: number;
}

export interface ConnectResult extends ActionResult {
  status: IntegrationStatus;
}

export interface IntegrationLog {
  id: string;
  timestamp: string;
  level: LogLevel;
  event: string;
  message: string;
  details: Record<string, unknown> | null;
}

export interface LogPage {
  logs: IntegrationLog[];
  next_cursor: string | null;
}

export interface LogQuery {
  limit?: number;
  cursor?: string;
  level?: LogLevel;
  event?: string;
}

/** A failed call, carrying the server's error body (`error_code`, `message`, `details`). */
export class PosApiError extends Error {
  override readonly name = 'PosApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  /** Where the API is mounted: `''` (this origin), `https://pos.example.com` or `/pos`. */
  apiBase?: string;
  /** Sent as `Authorization: Bearer <token>`; kept in memory only. */
  token?: string;
  /** The host's own fetch (cookies, extra headers, a proxy); defaults to the global one. */
  fetch?: typeof fetch;
}

export type Query = Record<string, string | number | undefined>;

export interface RequestOptions {
  body?: unknown;
  form?: FormData;
  query?: Query;
  /** Extra request headers (an `Idempotency-Key`). */
  headers?: Record<string, string>;
}

export class PosApiClient {
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: ApiClientOptions = {}) {
    this.#base = (options.apiBase ?? '').replace(/\/+$/, '');
    this.#token = options.token || undefined;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  capabilities(): Promise<Capabilities> {
    return this.call('GET', ['capabilities']);
  }

  async integrations(): Promise<IntegrationDescriptor[]> {
    const body = await this.call<{ integrations: IntegrationDescriptor[] }>('GET', ['integrations']);
    return body.integrations;
  }

  status(provider: string): Promise<IntegrationStatus> {
    return this.call('GET', ['integrations', provider, 'status']);
  }

  summary(provider: string): Promise<Record<string, unknown>> {
    return this.call('GET', ['integrations', provider, 'summary']);
  }

  saveCredentials(provider: string, values: Record<string, string>): Promise<ConnectResult> {
    return this.call('POST', ['integrations', provider, 'credentials'], { body: values });
  }

  authorizationUrl(provider: string): Promise<{ auth_url: string; state: string }> {
    return this.call('POST', ['integrations', provider, 'auth-url'], { body: {} });
  }

  test(provider: string): Promise<TestResult> {
    return this.call('POST', ['integrations', provider, 'test'], { body: {} });
  }

  /** Queues every current row for the sync target again (connectors with `sync`). */
  resync(provider: string): Promise<ResyncResult> {
    return this.call('POST', ['integrations', provider, 'resync'], { body: {} });
  }

  disconnect(provider: string): Promise<ActionResult> {
    return this.call('DELETE', ['integrations', provider, 'disconnect']);
  }

  logs(provider: string, query: LogQuery = {}): Promise<LogPage> {
    return this.call('GET', ['integrations', provider, 'logs'], { query: { ...query } });
  }

  /**
   * `GET /api/data-manager/export`: every row of one entity type as our own CSV. The body is
   * read whole, as a download needs it.
   */
  async exportCsv(entityType: string): Promise<{ filename: string; blob: Blob }> {
    const response = await this.request('GET', ['data-manager', 'export'], { query: { entity_type: entityType } });
    const disposition = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
    return { filename: disposition?.[1] ?? `${entityType}.csv`, blob: await response.blob() };
  }

  /** A JSON call; feature clients (Data Manager, payments) extend this class with theirs. */
  protected async call<T>(method: string, segments: string[], options: RequestOptions = {}): Promise<T> {
    const text = await (await this.request(method, segments, options)).text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      return undefined as T;
    }
  }

  /** Sends a request; any answer but 2xx becomes a {@link PosApiError} with the server's error body. */
  protected async request(method: string, segments: string[], options: RequestOptions = {}): Promise<Response> {
    const path = segments.map(encodeURIComponent).join('/');
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') search.set(key, String(value));
    }
    const url = `${this.#base}/api/${path}${search.size > 0 ? `?${search}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    Object.assign(headers, options.headers);
    // A FormData body sets its own multipart content type, boundary included.
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const body = options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body));

    let response: Response;
    try {
      response = await this.#fetch(url, { method, headers, body });
    } catch {
      throw new PosApiError(
        0,
        'NETWORK_ERROR',
        `Could not reach ${url}. Check that the server is running, that api-base points at it, and that it allows this page's origin.`,
      );
    }
    if (response.ok) return response;
    let error: { message?: unknown; error_code?: unknown; details?: unknown } = {};
    try {
      error = JSON.parse(await response.text()) ?? {};
    } catch {
      error = {};
    }
    throw new PosApiError(
      response.status,
      typeof error.error_code === 'string' ? error.error_code : `HTTP_${response.status}`,
      typeof error.message === 'string'
        ? error.message
        : `${method} ${url} answered ${response.status} without a POS Integrations error: check that api-base points at the POS Integrations server.`,
      typeof error.details === 'object' && error.details !== null
        ? (error.details as Record<string, unknown>)
        : undefined,
    );
  }
}
