import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { PosApiClient } from './api-client.js';

/**
 * The configuration every element that talks to the server shares: `api-base`, `token` and a
 * `fetch` hook. The token lives in this element's memory only: nothing here writes to
 * localStorage, sessionStorage or cookies.
 */
export class PosApiElement extends LitElement {
  /** Where the API is mounted; empty means this page's origin. */
  @property({ attribute: 'api-base' }) accessor apiBase = '';

  /** API key or session token, sent as `Authorization: Bearer …`. */
  @property() accessor token = '';

  /** The host's own fetch, for cookie or header based auth. Property only. */
  @property({ attribute: false }) accessor fetch: typeof globalThis.fetch | undefined = undefined;

  #client: PosApiClient | undefined;
  #clientKey: unknown[] = [];

  /** A client for the current configuration (rebuilt when `api-base`, `token` or `fetch` change). */
  protected get api(): PosApiClient {
    const key = [this.apiBase, this.token, this.fetch];
    if (!this.#client || key.some((value, index) => value !== this.#clientKey[index])) {
      this.#client = new PosApiClient({ apiBase: this.apiBase, token: this.token, fetch: this.fetch });
      this.#clientKey = key;
    }
    return this.#client;
  }
}
