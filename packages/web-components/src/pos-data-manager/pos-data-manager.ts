import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { type ApiClientOptions, PosApiError } from '../api-client.js';
import { PosApiElement } from '../api-element.js';
import { confirmDialogStyles } from '../confirm-dialog.js';
import { emit } from '../events.js';
import { strings } from '../strings.js';
import './data-manager.strings.js';
import { badgeStyles, baseStyles } from '../styles.js';
import { count, isBatch, isRunning, newestFirst, noticeOf } from './batch-format.js';
import { BatchPoller } from './batch-poller.js';
import { batchTable } from './batch-table.js';
import { type DataBatch, DataManagerClient } from './data-manager-client.js';
import { dataManagerControls } from './data-manager-controls.js';
import { dataManagerStyles } from './pos-data-manager.styles.js';
import { providerImportStyles } from './provider-import.styles.js';
import { ProviderImports } from './provider-imports.js';
import { PurgeConfirmation } from './purge-confirmation.js';

type Busy = '' | 'seed' | 'upload' | 'import' | 'purge';

/**
 * The Data Manager: generate sample data, import a CSV (file picker or drag and drop, with its
 * entity type and format), import the catalogue of each connected provider that offers one
 * ("Import from Square"), and the batches they made — with a live progress bar while one runs,
 * the row-numbered problems of a failed import (a provider's object id instead of the row
 * number), the rows a provider no longer has, and purge with confirmation.
 *
 * A running batch is polled until it completes or fails. A file the server rejects row by row
 * (`422 BATCH_FAILED`) shows its problems at once, from the answer itself. The element renders
 * nothing when the server has no Data Manager (`data_manager` off in its capabilities), and only
 * the reason while it cannot load (none of the controls, which would fail the same way).
 *
 * An integration card on the page (`<pos-integration-card>`, in `<pos-integrations>` too) shows
 * "Import catalogue" for a provider this element can import from, and pressing it brings that
 * provider's import into view here: the card asks with `pos-catalogue-import-request`, heard on
 * the document and taken with `preventDefault()`; this element tells the cards with
 * `pos-catalogue-sources` whenever its providers change (a card's `pos-connected` or
 * `pos-disconnected` makes it ask the server again).
 *
 * @summary Sample data, CSV import with live progress, the batches they made, and purge.
 * @tag pos-data-manager
 *
 * @event pos-batch-progress - A running batch moved on. `detail: { batch }`
 * @event pos-batch-completed - A seed or import finished and its rows are written. `detail: { batch }`
 * @event pos-batch-failed - A seed or import failed; nothing was written. `detail: { batch }` (with `errors`)
 * @event pos-batch-purged - A batch's rows were deleted. `detail: { batch, purge }`
 * @event pos-error - A request was refused before any batch existed. `detail: { action, error_code, message }` (`action`: `seed`, `upload`, `import`, `purge`)
 * @event pos-catalogue-sources - The connected providers it can import from changed. `detail: { providers }`
 *
 * @slot empty - Shown instead of the default "no batches yet" line while the server lists no batch.
 *
 * @csspart base - The element's outer box.
 * @csspart controls - The row with the entity type, the seed form, the upload area and the provider imports.
 * @csspart field - Each label + control.
 * @csspart input - Each input or select.
 * @csspart button - Every button; also `seed-button`, `choose-button`, `import-button`, `purge-button`, `errors-button`, `missing-button`, `confirm-button`, `cancel-button`.
 * @csspart dropzone - The drop area around the file picker; has `dropzone-active` while a file is dragged over it.
 * @csspart provider-import - One connected provider's import form (`data-provider` names it): its data to import, "Import from …" and "Remove … no longer has".
 * @csspart remove-missing - The "Remove … no longer has" checkbox of a provider import.
 * @csspart notice - The `aria-live` line announcing what happened.
 * @csspart error - A refused request's message.
 * @csspart empty - The default line shown while there is no batch.
 * @csspart batches - The table of batches.
 * @csspart batch - One batch's row.
 * @csspart batch-counts - Under a completed seed's or import's row count: how many rows were new, updated and unchanged (and for a provider import, how many it no longer has).
 * @csspart badge - A batch's status; also `badge-processing`, `badge-completed`, `badge-failed`, `badge-purged`.
 * @csspart progress - A running batch's progress bar (`role="progressbar"`).
 * @csspart progress-bar - The filled part of the progress bar.
 * @csspart row-errors - A failed batch's problems: its message and the table of rows.
 * @csspart missing - A provider import's rows the provider no longer has (the first 100): kept, or removed when asked.
 * @csspart confirm - The purge confirmation dialog.
 *
 * @cssprop --pos-progress-color - The progress bar's fill (default `--pos-color-primary`).
 * @cssprop --pos-progress-track - The progress bar's track (default `--pos-color-border`).
 * @cssprop --pos-dropzone-active - The drop area's background while a file is over it.
 * @cssprop --pos-color-danger - Failed badges and row problems.
 * @cssprop --pos-radius - Corner radius.
 */
export class PosDataManager extends PosApiElement<DataManagerClient> {
  static override styles = [baseStyles, badgeStyles, confirmDialogStyles, dataManagerStyles, providerImportStyles];

  protected override createClient(options: ApiClientOptions): DataManagerClient {
    return new DataManagerClient(options);
  }

  /** The entity types offered, space separated. */
  @property({
    attribute: 'entity-types',
    converter: { fromAttribute: (value: string | null) => (value ?? '').split(/\s+/).filter(Boolean) },
  })
  accessor entityTypes: string[] = ['products', 'customers'];

  /** How many of the newest batches to list (1 to 200). */
  @property({ type: Number }) accessor limit = 20;

  /** How often a running batch is asked for its progress, in milliseconds. */
  @property({ type: Number, attribute: 'poll-interval' }) accessor pollInterval = 1000;

  /** Whether the server has a Data Manager; nothing renders until it says so. */
  @state() private accessor offered = false;
  @state() private accessor batches: DataBatch[] = [];
  @state() private accessor loaded = false;
  @state() private accessor entityType = '';
  @state() private accessor preset = '';
  @state() private accessor busy: Busy = '';
  @state() private accessor sending = '';
  @state() private accessor notice = '';
  @state() private accessor error = '';
  @state() private accessor dragging = false;
  @state() private accessor expanded: ReadonlySet<string> = new Set();
  /** The last load failed: only its message shows, none of the controls that would fail too. */
  @state() private accessor unavailable = false;

  @query('input[type="file"]') private accessor fileInput!: HTMLInputElement | null;

  /** Rows asked of each running seed, for its progress fraction (the batch does not say). */
  #seedCounts = new Map<string, number>();
  #request = 0;

  #poller = new BatchPoller({
    interval: () => this.pollInterval,
    batches: () => this.batches,
    client: () => this.api,
    connected: () => this.isConnected,
    put: (batch) => this.#put(batch),
    finished: (batch) => this.#finished(batch),
    progressed: (batch) => emit(this, 'pos-batch-progress', { batch }),
  });

  #imports = new ProviderImports(this, {
    client: () => this.api,
    batches: () => this.batches,
    busy: () => this.busy !== '',
    begin: () => this.#beginAction('import'),
    started: (batch) => this.#started(batch),
    refused: (error) => this.#refused('import', error),
    end: () => {
      this.busy = '';
    },
    announce: (providers) => emit(this, 'pos-catalogue-sources', { providers }),
  });

  #purge = new PurgeConfirmation(this, {
    client: () => this.api,
    purging: () => this.busy === 'purge',
    beginPurge: () => this.#beginAction('purge'),
    purged: async (purged, result) => {
      this.#put(purged);
      this.#put(result.batch);
      this.notice = strings.purgeDone(count(result.batch.record_count), strings.entityName(purged.entity_type));
      emit(this, 'pos-batch-purged', { batch: purged, purge: result.batch });
      // The Purge button is gone with its row's state: focus the list it was in.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#batches-title')?.focus();
    },
    refused: (error) => this.#refused('purge', error),
    endPurge: () => {
      this.busy = '';
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.#poller.schedule();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#poller.stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const configChanged = changed.has('apiBase') || changed.has('token') || changed.has('fetch');
    if (!this.hasUpdated || configChanged || changed.has('limit')) {
      void this.reload();
    }
    if (!this.entityTypes.includes(this.entityType)) this.entityType = this.entityTypes[0] ?? '';
  }

  /** The listed batches, newest first. */
  get batchList(): readonly DataBatch[] {
    return this.batches;
  }

  /** Brings the import from `provider` into view and focuses it; false when it offers none. */
  openImport(provider: string): Promise<boolean> {
    return this.#imports.open(provider);
  }

  /** Asks the server again for its capabilities, the newest batches and the providers to import from. */
  async reload(): Promise<void> {
    const request = ++this.#request;
    this.error = '';
    try {
      const capabilities = await this.api.capabilities();
      if (request !== this.#request) return;
      // No Data Manager on this server: no element, not a disabled one.
      this.offered = capabilities.features.data_manager === true;
      this.hidden = !this.offered;
      if (!this.offered) return;
      const batches = await this.api.batches({ limit: this.limit });
      if (request !== this.#request) return;
      this.batches = batches;
      this.unavailable = false;
      this.#poller.schedule();
      void this.#imports.load();
    } catch (error) {
      if (request !== this.#request) return;
      this.offered = true; // the element is there to say what went wrong
      this.unavailable = true;
      this.hidden = false;
      this.error = strings.loadFailed(messageOf(error));
    } finally {
      if (request === this.#request) this.loaded = true;
    }
  }

  #put(batch: DataBatch): void {
    const others = this.batches.filter((candidate) => candidate.id !== batch.id);
    this.batches = [batch, ...others].sort(newestFirst);
  }

  #expand(id: string, open: boolean): void {
    this.expanded = new Set([...this.expanded].filter((other) => other !== id).concat(open ? [id] : []));
  }

  /** What a seed or upload answered: running, done, or failed with its problems. */
  #started(batch: DataBatch): void {
    this.#put(batch);
    if (!isRunning(batch)) this.#finished(batch);
    else {
      this.notice = noticeOf(batch, this.#imports.nameOf);
      this.#poller.schedule();
    }
  }

  #finished(batch: DataBatch): void {
    this.#seedCounts.delete(batch.id);
    this.notice = noticeOf(batch, this.#imports.nameOf);
    if (batch.status === 'completed') emit(this, 'pos-batch-completed', { batch });
    else {
      this.#expand(batch.id, true);
      emit(this, 'pos-batch-failed', { batch });
    }
  }

  /** A refused request: a failed batch when the server made one, else the message. */
  #refused(action: string, error: unknown): void {
    const failed = error instanceof PosApiError ? error.details?.batch : undefined;
    if (error instanceof PosApiError && error.code === 'BATCH_FAILED' && isBatch(failed)) {
      this.#put(failed);
      this.#finished(failed);
      return;
    }
    this.error = messageOf(error);
    emit(this, 'pos-error', {
      action,
      error_code: error instanceof PosApiError ? error.code : 'UNEXPECTED',
      message: this.error,
    });
  }

  #beginAction(busy: Busy): void {
    this.busy = busy;
    this.error = '';
    this.notice = '';
  }

  async #seed(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const rows = Number(new FormData(event.currentTarget as HTMLFormElement).get('count'));
    this.#beginAction('seed');
    try {
      const batch = await this.api.seed(this.entityType, rows);
      if (isRunning(batch)) this.#seedCounts.set(batch.id, rows);
      this.#started(batch);
    } catch (error) {
      this.#refused('seed', error);
    } finally {
      this.busy = '';
    }
  }

  async #upload(file: File): Promise<void> {
    this.#beginAction('upload');
    this.sending = file.name;
    try {
      this.#started(
        await this.api.upload({
          file,
          entity_type: this.entityType,
          ...(this.preset ? { preset: this.preset } : {}),
        }),
      );
    } catch (error) {
      this.#refused('upload', error);
    } finally {
      this.busy = '';
      this.sending = '';
      if (this.fileInput) this.fileInput.value = '';
    }
  }

  override render() {
    if (!this.offered) return nothing;
    if (this.unavailable) {
      return html`<div part="base"><p part="error" role="alert">${this.error}</p></div>`;
    }
    return html`<div part="base">
      ${this.#renderControls()}
      <p part="notice" class="notice" role="status" aria-live="polite">${this.notice}</p>
      ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}
      <h3 id="batches-title" tabindex="-1">${strings.batchesLabel}</h3>
      ${batchTable({
        batches: this.batches,
        loaded: this.loaded,
        expanded: this.expanded,
        busy: this.busy !== '',
        seedCounts: this.#seedCounts,
        sourceName: this.#imports.nameOf,
        toggleDetails: (batch) => this.#expand(batch.id, !this.expanded.has(batch.id)),
        askPurge: (batch) => this.#purge.ask(batch),
      })}
      ${this.#purge.render()}
    </div>`;
  }

  #renderControls() {
    return dataManagerControls({
      entityTypes: this.entityTypes,
      entityType: this.entityType,
      preset: this.preset,
      busy: this.busy,
      dragging: this.dragging,
      sending: this.sending,
      providerImports: this.#imports.render(),
      chooseEntityType: (value) => {
        this.entityType = value;
      },
      choosePreset: (value) => {
        this.preset = value;
      },
      seed: (event) => void this.#seed(event),
      upload: (file) => void this.#upload(file),
      setDragging: (dragging) => {
        this.dragging = dragging;
      },
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
