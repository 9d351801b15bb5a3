import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { type ApiClientOptions, PosApiClient } from './api-client.js';

/**
 * The configuration every element that talks to the server shares: `api-base`, `token` and a
 * `fetch` hook. The token lives in this element's memory only: nothing here writes to
 * localStorage, sessionStorage or cookies.
 */
export class PosApiElement<Client extends PosApiClient = PosApiClient> extends LitElement {
  /** Where the API is mounted; empty means this page's origin. */
  @property({ attribute: 'api-base' }) accessor apiBase = '';

  /** API key or session token, sent as `Authorization: Bearer …`. */
  @property() accessor token = '';

  /** The host's own fetch, for cookie or header based auth. Property only. */
  @property({ attribute: false }) accessor fetch: typeof globalThis.fetch | undefined = undefined;

  #client: Client | undefined;
  #clientKey: unknown[] = [];

  /** A client for the current configuration (rebuilt when `api-base`, `token` or `fetch` change). */
  protected get api(): Client {
    const key = [this.apiBase, this.token, this.fetch];
    if (!this.#client || key.some((value, index) => value !== this.#clientKey[index])) {
      this.#client = this.createClient({ apiBase: this.apiBase, token: this.token, fetch: this.fetch });
      this.#clientKey = key;
    }
    return this.#client;
  }

  /** The client this element talks through; an element with routes of its own returns its client. */
  protected createClient(options: ApiClientOptions): Client {
    return new PosApiClient(options) as Client;
  }
}
