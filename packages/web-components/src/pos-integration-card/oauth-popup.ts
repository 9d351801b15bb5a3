import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isOAuthResult, type OAuthResult } from '../oauth-return.js';

/** What the OAuth round trip needs of the card it belongs to. */
export interface OAuthSteps {
  provider(): string;
  /** The provider's authorization URL, from the server. */
  authorizationUrl(): Promise<string>;
  /** The server would not give one: nothing was opened. */
  failed(error: unknown): void;
  /** The popup was blocked: the whole page goes to the provider instead. */
  redirecting(): void;
  /** The popup closed without an answer. */
  abandoned(): void;
  /** The return page answered. */
  returned(result: OAuthResult): void;
}

/**
 * Connect for OAuth providers: opens the provider's page in a popup and learns the result by
 * `postMessage` from the return page (this origin's only); when the popup is blocked, the whole
 * page goes there instead. Composed into `<pos-integration-card>`.
 */
export class OAuthPopup implements ReactiveController {
  #popup: Window | undefined;
  #watch: ReturnType<typeof setInterval> | undefined;

  readonly #steps: OAuthSteps;

  constructor(host: ReactiveControllerHost, steps: OAuthSteps) {
    this.#steps = steps;
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('message', this.#onMessage);
  }

  hostDisconnected(): void {
    window.removeEventListener('message', this.#onMessage);
    this.#stopWatching();
  }

  /** Call inside the click: the popup opens before any await, so popup blockers let it through. */
  async connect(): Promise<void> {
    const popup = window.open('', `pos-oauth-${this.#steps.provider()}`, 'popup,width=520,height=720') ?? undefined;
    let authUrl: string;
    try {
      authUrl = await this.#steps.authorizationUrl();
    } catch (error) {
      popup?.close();
      this.#steps.failed(error);
      return;
    }
    if (!popup || popup.closed) {
      this.#steps.redirecting();
      window.location.assign(authUrl);
      return;
    }
    popup.location.href = authUrl;
    this.#popup = popup;
    this.#stopWatching();
    this.#watch = setInterval(() => {
      if (this.#popup?.closed) {
        this.#stopWatching();
        this.#popup = undefined;
        this.#steps.abandoned();
      }
    }, 500);
  }

  #stopWatching(): void {
    if (this.#watch !== undefined) clearInterval(this.#watch);
    this.#watch = undefined;
  }

  #onMessage = (event: MessageEvent): void => {
    // Only this origin's return page speaks for the provider; anything else is ignored.
    if (event.origin !== window.location.origin || !isOAuthResult(event.data)) return;
    if (event.data.provider !== this.#steps.provider()) return;
    this.#stopWatching();
    this.#popup = undefined;
    this.#steps.returned(event.data);
  };
}
