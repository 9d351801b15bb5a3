import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What the link needs of its card. */
export interface CatalogueLinkSteps {
  /** Whether the card's provider offers a catalogue and is connected (not needing a reconnect). */
  offered(): boolean;
  /**
   * Fires the card's `pos-catalogue-import-request` (`open: false` only asks); true when a Data
   * Manager on the page took it.
   */
  ask(open: boolean): boolean;
}

/**
 * The card's "Import catalogue": offered while a `<pos-data-manager>` on the page can import
 * from the card's provider, which it asks whenever the card updates and whenever a Data Manager
 * says its providers changed (`pos-catalogue-sources`). Composed into `<pos-integration-card>`.
 */
export class CatalogueLink implements ReactiveController {
  #available = false;
  readonly #host: ReactiveControllerHost;
  readonly #steps: CatalogueLinkSteps;

  constructor(host: ReactiveControllerHost, steps: CatalogueLinkSteps) {
    this.#host = host;
    this.#steps = steps;
    host.addController(this);
  }

  /** Whether a Data Manager on the page imports from the provider: the card shows "Import catalogue". */
  get available(): boolean {
    return this.#available;
  }

  hostConnected(): void {
    document.addEventListener('pos-catalogue-sources', this.#sourcesChanged);
  }

  hostDisconnected(): void {
    document.removeEventListener('pos-catalogue-sources', this.#sourcesChanged);
  }

  /** Before each render: asked again, so a card that just connected its provider offers it. */
  hostUpdate(): void {
    this.#available = this.#steps.offered() && this.#steps.ask(false);
  }

  /** Asks the Data Manager to open the provider's import; false (and no link) when none took it. */
  open(): boolean {
    const taken = this.#steps.ask(true);
    if (!taken) this.#sourcesChanged();
    return taken;
  }

  readonly #sourcesChanged = (): void => {
    const available = this.#steps.offered() && this.#steps.ask(false);
    if (available !== this.#available) this.#host.requestUpdate();
  };
}
