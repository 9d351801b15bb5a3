import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent } from 'undici';
import { IntegrationError } from '../errors.js';
import { type AddressKind, classifyAddress, describeAddressKind } from './addresses.js';
import { discardBody } from './body.js';

/** One answer of a host name lookup. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to its addresses (the default asks the system resolver, like `dns.lookup`). */
export type OutboundResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface OutboundOptions {
  /**
   * `host:port` entries (`127.0.0.1:54321`, `[::1]:8443`, `supabase.internal:8000`) that may be
   * reached although they resolve to a private address, and over plain `http` too. For local
   * projects, development and tests; empty by default. A function is read on every request.
   */
  allowedPrivateHosts?: readonly string[] | (() => readonly string[]);
  /** The resolver; tests inject one. Its answer is the only one the connection uses. */
  lookup?: OutboundResolver;
}

export interface OutboundInit extends RequestInit {
  /** How messages name the URL, e.g. "The project URL" (default "The URL"). */
  subject?: string;
}

/** The only way a connector calls a URL that came from a merchant. */
export interface OutboundHttp {
  /**
   * Checks what can be checked without a lookup (scheme, IP literals, the allow-list) and
   * returns the parsed URL; throws `VALIDATION_FAILED` (400) with the reason otherwise.
   */
  check(url: string | URL, subject?: string): URL;
  /**
   * `fetch` that refuses private, loopback, link-local, CGNAT, unique-local, multicast and
   * reserved addresses, connects only to the address it checked, and never follows a redirect
   * (a 3xx is a `VALIDATION_FAILED` error naming only the status).
   */
  fetch(url: string | URL, init?: OutboundInit): Promise<Response>;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

const systemResolver: OutboundResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

function refused(message: string, details?: Record<string, unknown>): IntegrationError {
  // The stored URL will not work until it is changed: a sync keeps its rows and stops.
  return new IntegrationError('VALIDATION_FAILED', message, {
    status: 400,
    needsReconnect: true,
    ...(details ? { details } : {}),
  });
}

/** Raised inside a connection attempt when a name resolved to an address that is not public. */
class ResolvedToPrivate extends Error {
  constructor(readonly host: string) {
    super(`${host} resolves to an address that is not public.`);
  }
}

function resolvedToPrivateIn(error: unknown): ResolvedToPrivate | undefined {
  for (let cause = error, depth = 0; cause && depth < 5; depth += 1) {
    if (cause instanceof ResolvedToPrivate) return cause;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

const PUBLIC_ONLY = 'This server only calls addresses on the public internet.';

/** A literal address is named with its kind; a resolved one is not (that would tell internal DNS answers). */
function privateAddress(
  subject: string,
  target: { address: string; kind: Exclude<AddressKind, 'public'> } | { host: string },
) {
  const why =
    'address' in target
      ? `${target.address} is ${describeAddressKind(target.kind)}`
      : `${target.host} does not resolve to a public address`;
  return refused(`${subject} points to a private address (${why}). ${PUBLIC_ONLY}`, { reason: 'private_address' });
}

/**
 * `host:port` in the form a URL gives it: `127.0.0.1:54321`, `[::1]:443`, `example.test:80`.
 * Throws `VALIDATION_FAILED` for anything else.
 */
export function normalizeHostPort(entry: string): string {
  const text = entry.trim();
  const port = /:(\d{1,5})$/.exec(text)?.[1];
  let url: URL | undefined;
  try {
    url = new URL(`http://${text}`);
  } catch {
    url = undefined;
  }
  if (!url || !port || Number(port) > 65_535 || url.pathname !== '/' || url.username || url.search || url.hash) {
    throw refused(`"${text}" is not a host:port entry (e.g. 127.0.0.1:54321 or [::1]:8443).`);
  }
  return `${url.hostname}:${Number(port)}`;
}

type SocketLookup = (
  hostname: string,
  options: { family?: number | string; all?: boolean },
  done: LookupCallback,
) => void;

/**
 * The sockets' lookup: resolves once per connection, and (when `guard`) refuses the name if
 * any answer is not a public address; the socket connects to exactly the addresses handed over.
 */
export function checkedLookup(resolve: OutboundResolver, guard: boolean): SocketLookup {
  return (hostname, options, done) => {
    resolve(hostname).then(
      (answers) => {
        if (guard && answers.some(({ address }) => classifyAddress(address) !== 'public')) {
          done(new ResolvedToPrivate(hostname), '');
          return;
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = answers.filter((answer) => wanted === undefined || answer.family === wanted);
        const first = addresses[0];
        if (!first) {
          const error: NodeJS.ErrnoException = new Error(`No address found for ${hostname}.`);
          error.code = 'ENOTFOUND';
          done(error, '');
        } else if (options.all) {
          done(
            null,
            addresses.map(({ address, family }) => ({ address, family })),
          );
        } else {
          done(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => done(error, ''),
    );
  };
}

function hostPort(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
}

/** The outbound guard: one per SDK instance, its connections pooled per origin. */
export class OutboundGuard implements OutboundHttp {
  readonly #allowed: () => ReadonlySet<string>;
  readonly #resolve: OutboundResolver;
  /** Connects only to checked public addresses. */
  readonly #guarded: Agent;
  /** Connects to allow-listed `host:port` entries whatever their address. */
  readonly #allowListed: Agent;

  constructor(options: OutboundOptions = {}) {
    const list = options.allowedPrivateHosts ?? [];
    if (typeof list === 'function') {
      this.#allowed = () => new Set(list().map(normalizeHostPort));
    } else {
      const fixed = new Set(list.map(normalizeHostPort));
      this.#allowed = () => fixed;
    }
    this.#resolve = options.lookup ?? systemResolver;
    this.#guarded = new Agent({ connect: { lookup: checkedLookup(this.#resolve, true) } });
    this.#allowListed = new Agent({ connect: { lookup: checkedLookup(this.#resolve, false) } });
  }

  check(input: string | URL, subject = 'The URL'): URL {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw refused(`${subject} is not a valid URL.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw refused(`${subject} must start with https://.`, { reason: 'scheme' });
    }
    if (url.username || url.password) {
      throw refused(`${subject} must not contain a user name or password.`, { reason: 'credentials' });
    }
    if (this.#isAllowListed(url)) return url;
    if (url.protocol !== 'https:') {
      throw refused(
        `${subject} must use https://. Plain http is only for hosts the server lists as allowed private hosts.`,
        { reason: 'scheme' },
      );
    }
    // The WHATWG parser already turned `127.1`, `2130706433` and `0x7f.1` into dotted IPv4.
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal)) {
      const kind = classifyAddress(literal);
      if (kind !== 'public') throw privateAddress(subject, { address: literal, kind });
    }
    return url;
  }

  async fetch(input: string | URL, init: OutboundInit = {}): Promise<Response> {
    const { subject = 'The URL', ...rest } = init;
    const url = this.check(input, subject);
    const dispatcher = this.#isAllowListed(url) ? this.#allowListed : this.#guarded;
    let response: Response;
    try {
      response = await globalThis.fetch(url.href, { ...rest, redirect: 'manual', dispatcher } as RequestInit);
    } catch (error) {
      const refusal = resolvedToPrivateIn(error);
      if (!refusal) throw error;
      throw privateAddress(subject, { host: refusal.host });
    }
    if (response.status >= 300 && response.status < 400) {
      await discardBody(response);
      throw refused(
        `${subject} answered with a redirect (HTTP ${response.status}), which this server does not follow. Enter the address that answers directly.`,
        { reason: 'redirect', http_status: response.status },
      );
    }
    return response;
  }

  #closed: Promise<void> | undefined;

  /** Closes pooled connections; calling it again waits for the first close. */
  close(): Promise<void> {
    this.#closed ??= Promise.all([this.#guarded.close(), this.#allowListed.close()]).then(() => undefined);
    return this.#closed;
  }

  #isAllowListed(url: URL): boolean {
    return this.#allowed().has(hostPort(url));
  }
}

/** The outbound guard every connector uses for URLs a merchant supplied. */
export function createOutboundGuard(options: OutboundOptions = {}): OutboundGuard {
  return new OutboundGuard(options);
}
