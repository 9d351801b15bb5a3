/**
 * The one module that knows the server's routes. Elements call these methods and never build a
 * URL themselves, so a host that mounts the API elsewhere only changes `api-base`.
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
  placeholder?: string;
}

/** A configured connector, from `GET /api/integrations`. */
export interface IntegrationDescriptor {
  id: string;
  name: string;
  kind: IntegrationKind;
  fields?: CredentialField[];
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

export type BatchStatus = 'pending' | 'processing' | 'completed' | 'failed';
export type BatchType = 'seed' | 'upload' | 'purge';

/** One problem of a failed upload: the spreadsheet row (header = 1) and the file's column. */
export interface BatchRowError {
  row: number;
  column: string | null;
  message: string;
}

/** A Data Manager batch, from `/api/data-manager/batches`. */
export interface DataBatch {
  id: string;
  type: BatchType;
  entity_type: string;
  record_count: number;
  status: BatchStatus;
  created_at: string;
  completed_at: string | null;
  error_message: string | null;
  processed_count: number;
  errors: BatchRowError[];
  error_count: number;
  preset: string | null;
  total_bytes: number | null;
  bytes_read: number | null;
  unknown_columns: string[];
  target_batch_id: string | null;
  purged_by: string | null;
}

export interface PurgeResult extends ActionResult {
  already_purged: boolean;
  /** The purge batch. */
  batch: DataBatch;
}

export interface UploadRequest {
  file: Blob;
  /** The file name the server sees; defaults to the File's own name. */
  filename?: string;
  entity_type: string;
  preset?: string;
  currency?: string;
}

export type PaymentStatus = 'pending' | 'paid' | 'expired' | 'failed';

/** An order's payment, from `/api/payments`. */
export interface Payment {
  payment_id: string;
  order_id: string;
  provider: string;
  session_id: string | null;
  /** Where the customer pays; only while the session is open. */
  checkout_url: string | null;
  status: PaymentStatus;
  /** Minor units (cents). */
  amount: number;
  currency: string;
  attempt: number;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CheckoutRequest {
  order_id: string;
  /** Minor units (cents). */
  amount: number;
  currency: string;
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

type Query = Record<string, string | number | undefined>;

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
    return this.#call('GET', ['capabilities']);
  }

  async integrations(): Promise<IntegrationDescriptor[]> {
    const body = await this.#call<{ integrations: IntegrationDescriptor[] }>('GET', ['integrations']);
    return body.integrations;
  }

  status(provider: string): Promise<IntegrationStatus> {
    return this.#call('GET', ['integrations', provider, 'status']);
  }

  summary(provider: string): Promise<Record<string, unknown>> {
    return this.#call('GET', ['integrations', provider, 'summary']);
  }

  saveCredentials(provider: string, values: Record<string, string>): Promise<ConnectResult> {
    return this.#call('POST', ['integrations', provider, 'credentials'], { body: values });
  }

  authorizationUrl(provider: string): Promise<{ auth_url: string; state: string }> {
    return this.#call('POST', ['integrations', provider, 'auth-url'], { body: {} });
  }

  test(provider: string): Promise<TestResult> {
    return this.#call('POST', ['integrations', provider, 'test'], { body: {} });
  }

  disconnect(provider: string): Promise<ActionResult> {
    return this.#call('DELETE', ['integrations', provider, 'disconnect']);
  }

  logs(provider: string, query: LogQuery = {}): Promise<LogPage> {
    return this.#call('GET', ['integrations', provider, 'logs'], { query: { ...query } });
  }

  /** Generates `count` realistic rows; a large seed answers while it runs (`status: processing`). */
  seed(entityType: string, count?: number): Promise<DataBatch> {
    return this.#call('POST', ['data-manager', 'seed'], {
      body: { entity_type: entityType, ...(count === undefined ? {} : { count }) },
    });
  }

  /**
   * Sends a CSV file. A large file answers while it imports (`status: processing`); a file with
   * invalid rows throws `BATCH_FAILED` with the failed batch in `details.batch`.
   */
  upload(request: UploadRequest): Promise<DataBatch> {
    const form = new FormData();
    form.set('entity_type', request.entity_type);
    if (request.preset) form.set('preset', request.preset);
    if (request.currency) form.set('currency', request.currency);
    const name = request.filename ?? (request.file instanceof File ? request.file.name : 'upload.csv');
    form.set('file', request.file, name);
    return this.#call('POST', ['data-manager', 'upload'], { form });
  }

  /** The tenant's batches, newest first. */
  batches(query: { limit?: number; entity_type?: string } = {}): Promise<DataBatch[]> {
    return this.#call('GET', ['data-manager', 'batches'], { query: { ...query } });
  }

  batch(id: string): Promise<DataBatch> {
    return this.#call('GET', ['data-manager', 'batches', id]);
  }

  /** Deletes exactly the rows one batch wrote. */
  purge(id: string): Promise<PurgeResult> {
    return this.#call('DELETE', ['data-manager', 'batches', id]);
  }

  /** Opens (or returns the open) Stripe Checkout session for an order. */
  createCheckoutSession(request: CheckoutRequest): Promise<Payment> {
    return this.#call('POST', ['payments', 'checkout-session'], { body: request });
  }

  /** The order's payment; `NOT_FOUND` when it has none yet. */
  orderPayment(orderId: string): Promise<Payment> {
    return this.#call('GET', ['payments', 'orders', orderId, 'payment']);
  }

  async #call<T>(
    method: string,
    segments: string[],
    options: { body?: unknown; form?: FormData; query?: Query } = {},
  ): Promise<T> {
    const path = segments.map(encodeURIComponent).join('/');
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') search.set(key, String(value));
    }
    const url = `${this.#base}/api/${path}${search.size > 0 ? `?${search}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    // A FormData body sets its own multipart content type, boundary included.
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const body = options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body));

    let response: Response;
    try {
      response = await this.#fetch(url, { method, headers, body });
    } catch {
      throw new PosApiError(0, 'NETWORK_ERROR', 'The server could not be reached.');
    }
    const text = await response.text();
    let answer: unknown;
    try {
      answer = text ? JSON.parse(text) : undefined;
    } catch {
      answer = undefined;
    }
    if (!response.ok) {
      const error = (answer ?? {}) as { message?: unknown; error_code?: unknown; details?: unknown };
      throw new PosApiError(
        response.status,
        typeof error.error_code === 'string' ? error.error_code : `HTTP_${response.status}`,
        typeof error.message === 'string' ? error.message : `The server answered ${response.status}.`,
        typeof error.details === 'object' && error.details !== null
          ? (error.details as Record<string, unknown>)
          : undefined,
      );
    }
    return answer as T;
  }
}
