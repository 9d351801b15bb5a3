import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { emit } from '../events.js';
import { strings } from '../strings.js';
import { count } from './batch-format.js';
import type { DataBatch, DataManagerClient } from './data-manager-client.js';

/** A connected provider the Data Manager can import a catalogue from. */
export interface ImportSource {
  provider: string;
  name: string;
  entityTypes: readonly string[];
}

/** What the provider imports need of the Data Manager they belong to. */
export interface ProviderImportSteps {
  /** The client of the element's current configuration. */
  client(): DataManagerClient;
  /** The listed batches, newest first: the last import from a provider says what it found missing. */
  batches(): readonly DataBatch[];
  /** Whether another action runs (the import buttons wait). */
  busy(): boolean;
  begin(): void;
  /** The server took the import: a running batch, or a finished one. */
  started(batch: DataBatch): void;
  refused(error: unknown): void;
  end(): void;
  /** Fires the element's `pos-catalogue-sources`: the providers it imports from changed. */
  announce(providers: string[]): void;
}

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: ParentNode };

/** How many names of rows found missing the checkbox's hint shows. */
const EXAMPLES = 3;

/**
 * "Import from Square / Clover / WooCommerce": one form per connected provider that offers a
 * catalogue, with its entity type and "Remove … no longer has". Composed into
 * `<pos-data-manager>`; answers the integration cards' `pos-catalogue-import-request` on the
 * document and tells them with `pos-catalogue-sources` when its providers change.
 */
export class ProviderImports implements ReactiveController {
  #sources: ImportSource[] = [];
  /** Every provider's name by its id, connected or not: batches from it keep their name. */
  #names = new Map<string, string>();
  /** The entity type chosen for each provider. */
  #entity = new Map<string, string>();
  /** Providers whose "Remove … no longer has" is checked. */
  #remove = new Set<string>();
  /** The provider whose import is being sent. */
  #sending = '';
  #request = 0;

  readonly #host: Host;
  readonly #steps: ProviderImportSteps;

  constructor(host: Host, steps: ProviderImportSteps) {
    this.#host = host;
    this.#steps = steps;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('pos-catalogue-import-request', this.#answer);
    document.addEventListener('pos-connected', this.#reload);
    document.addEventListener('pos-disconnected', this.#reload);
    // Back on the page (moved): the cards learn again what it imports.
    if (this.#sources.length > 0) this.#steps.announce(this.#sources.map((source) => source.provider));
  }

  hostDisconnected(): void {
    document.removeEventListener('pos-catalogue-import-request', this.#answer);
    document.removeEventListener('pos-connected', this.#reload);
    document.removeEventListener('pos-disconnected', this.#reload);
    // The host is off the page: the event goes to the document itself, so the cards ask again.
    if (this.#sources.length > 0) emit(document, 'pos-catalogue-sources', { providers: [] });
  }

  /** The providers offered now. */
  get sources(): readonly ImportSource[] {
    return this.#sources;
  }

  /** A provider's name as the server describes it, else its id. */
  readonly nameOf = (provider: string): string => this.#names.get(provider) ?? provider;

  /**
   * Asks the server which providers offer a catalogue and which of them are connected. A server
   * without integrations offers none (its Data Manager still works).
   */
  async load(): Promise<void> {
    const request = ++this.#request;
    const api = this.#steps.client();
    let sources: ImportSource[] = [];
    try {
      const described = await api.integrations();
      const offering = described.filter((integration) => (integration.catalogue?.length ?? 0) > 0);
      const statuses = await Promise.all(offering.map((integration) => api.status(integration.id).catch(() => null)));
      if (request !== this.#request) return;
      this.#names = new Map(described.map((integration) => [integration.id, integration.name]));
      sources = offering
        .filter((_, index) => statuses[index]?.connected && !statuses[index]?.needs_reconnect)
        .map((integration) => ({
          provider: integration.id,
          name: integration.name,
          entityTypes: integration.catalogue ?? [],
        }));
    } catch {
      if (request !== this.#request) return;
    }
    this.#sources = sources;
    this.#host.requestUpdate();
    this.#steps.announce(sources.map((source) => source.provider));
  }

  readonly #reload = (): void => {
    if (this.#host.isConnected && !this.#host.hidden) void this.load();
  };

  /** A card asks whether this Data Manager imports from its provider, or to open that import. */
  readonly #answer = (event: CustomEvent<{ provider: string; open: boolean }>): void => {
    if (event.defaultPrevented || !this.#sources.some((source) => source.provider === event.detail.provider)) return;
    event.preventDefault();
    if (event.detail.open) void this.open(event.detail.provider);
  };

  /** Brings a provider's import into view and moves the focus to its first control. */
  async open(provider: string): Promise<boolean> {
    await this.#host.updateComplete;
    const form = [...this.#host.renderRoot.querySelectorAll<HTMLElement>('[part~="provider-import"]')].find(
      (candidate) => candidate.dataset.provider === provider,
    );
    if (!form) return false;
    form.scrollIntoView({ block: 'nearest' });
    form.querySelector<HTMLElement>('select, input, button')?.focus();
    return true;
  }

  #entityOf(source: ImportSource): string {
    const chosen = this.#entity.get(source.provider);
    return chosen && source.entityTypes.includes(chosen) ? chosen : (source.entityTypes[0] ?? 'products');
  }

  async #import(event: SubmitEvent, source: ImportSource): Promise<void> {
    event.preventDefault();
    this.#sending = source.provider;
    this.#steps.begin();
    try {
      const batch = await this.#steps.client().importFrom(source.provider, {
        entity_type: this.#entityOf(source),
        remove_missing: this.#remove.has(source.provider),
      });
      // Removing is asked for each import: the box does not stay checked for the next one.
      this.#remove.delete(source.provider);
      this.#steps.started(batch);
    } catch (error) {
      this.#steps.refused(error);
    } finally {
      this.#sending = '';
      this.#steps.end();
    }
  }

  /** What the last completed import of `entity` from `provider` found missing (null: none yet). */
  #lastFound(provider: string, entity: string): { found: number; examples: string } | null {
    const last = this.#steps
      .batches()
      .find(
        (batch) =>
          batch.type === 'provider_import' &&
          batch.source === provider &&
          batch.entity_type === entity &&
          batch.status === 'completed',
      );
    if (!last) return null;
    // Rows it removed are gone; only those it kept are still there to remove.
    if (last.remove_missing || !last.missing_count) return { found: 0, examples: '' };
    const names = last.missing.slice(0, EXAMPLES).map((row) => row.name ?? row.key);
    return {
      found: last.missing_count,
      examples: `${names.join(', ')}${last.missing_count > names.length ? ', …' : ''}`,
    };
  }

  render() {
    if (this.#sources.length === 0) return nothing;
    return this.#sources.map((source) => this.#renderSource(source));
  }

  #renderSource(source: ImportSource) {
    const { provider, name } = source;
    const entity = this.#entityOf(source);
    const entityName = strings.entityName(entity).toLowerCase();
    const last = this.#lastFound(provider, entity);
    const id = `import-${provider}`;
    return html`<form
      class="group provider-import"
      part="provider-import"
      data-provider=${provider}
      @submit=${(event: SubmitEvent) => void this.#import(event, source)}
    >
      <fieldset ?disabled=${this.#steps.busy()}>
        <legend>${strings.providerImportLegend(name)}</legend>
        <div class="row">
          ${
            source.entityTypes.length > 1
              ? html`<div part="field" class="field">
                  <label for="${id}-entity">${strings.providerImportEntity}</label>
                  <select
                    id="${id}-entity"
                    part="input"
                    @change=${(event: Event) => {
                      this.#entity.set(provider, (event.target as HTMLSelectElement).value);
                      this.#host.requestUpdate();
                    }}
                  >
                    ${source.entityTypes.map(
                      (type) =>
                        html`<option value=${type} ?selected=${type === entity}>${strings.entityName(type)}</option>`,
                    )}
                  </select>
                </div>`
              : nothing
          }
          <button type="submit" part="button import-button">
            ${this.#sending === provider ? strings.providerImporting : strings.providerImport(name)}
          </button>
        </div>
        <div class="check">
          <input
            id="${id}-remove"
            part="remove-missing"
            type="checkbox"
            aria-describedby="${id}-remove-hint"
            .checked=${this.#remove.has(provider)}
            @change=${(event: Event) => {
              if ((event.target as HTMLInputElement).checked) this.#remove.add(provider);
              else this.#remove.delete(provider);
            }}
          />
          <label for="${id}-remove">${strings.removeMissing(entityName, name)}</label>
          <p id="${id}-remove-hint" class="hint">
            ${strings.removeMissingHint(entityName, name, last?.found ?? null, count(last?.found ?? 0), last?.examples ?? '')}
          </p>
        </div>
      </fieldset>
    </form>`;
  }
}
