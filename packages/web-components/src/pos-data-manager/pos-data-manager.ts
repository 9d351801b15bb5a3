import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { type ApiClientOptions, PosApiError } from '../api-client.js';
import { PosApiElement } from '../api-element.js';
import { confirmationDialog, confirmDialogStyles } from '../confirm-dialog.js';
import { cssProperties } from '../css-properties.js';
import { emit } from '../events.js';
import { formatTimestamp, strings } from '../strings.js';
import './data-manager.strings.js';
import { badgeStyles, baseStyles } from '../styles.js';
import { type DataBatch, DataManagerClient, type PurgePreview } from './data-manager-client.js';
import { dataManagerStyles } from './pos-data-manager.styles.js';

/** The presets the server reads; `''` lets it detect the format from the header. */
const PRESETS = ['', 'pos', 'shopify', 'woocommerce', 'square'];

type Busy = '' | 'seed' | 'upload' | 'purge';

const isRunning = (batch: DataBatch) => batch.status === 'processing' || batch.status === 'pending';

const count = (value: number) => new Intl.NumberFormat().format(value);

const kindOf = (batch: DataBatch) => strings.batchKind(batch.type, strings.entityName(batch.entity_type));

/** Newest first, as the server lists them (ids are time ordered). */
const newestFirst = (a: DataBatch, b: DataBatch) =>
  b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id);

/**
 * The Data Manager: generate sample data, import a CSV (file picker or drag and drop, with its
 * entity type and format), and the batches they made — with a live progress bar while one runs,
 * the row-numbered problems of a failed import, and purge with confirmation.
 *
 * A running batch is polled until it completes or fails. A file the server rejects row by row
 * (`422 BATCH_FAILED`) shows its problems at once, from the answer itself. The element renders
 * nothing when the server has no Data Manager (`data_manager` off in its capabilities).
 *
 * @summary Sample data, CSV import with live progress, the batches they made, and purge.
 * @tag pos-data-manager
 *
 * @event pos-batch-progress - A running batch moved on. `detail: { batch }`
 * @event pos-batch-completed - A seed or import finished and its rows are written. `detail: { batch }`
 * @event pos-batch-failed - A seed or import failed; nothing was written. `detail: { batch }` (with `errors`)
 * @event pos-batch-purged - A batch's rows were deleted. `detail: { batch, purge }`
 * @event pos-error - A request was refused before any batch existed. `detail: { action, error_code, message }`
 *
 * @slot empty - Shown instead of the default "no batches yet" line while the server lists no batch.
 *
 * @csspart base - The element's outer box.
 * @csspart controls - The row with the entity type, the seed form and the upload area.
 * @csspart field - Each label + control.
 * @csspart input - Each input or select.
 * @csspart button - Every button; also `seed-button`, `choose-button`, `purge-button`, `errors-button`, `confirm-button`, `cancel-button`.
 * @csspart dropzone - The drop area around the file picker; has `dropzone-active` while a file is dragged over it.
 * @csspart notice - The `aria-live` line announcing what happened.
 * @csspart error - A refused request's message.
 * @csspart empty - The default line shown while there is no batch.
 * @csspart batches - The table of batches.
 * @csspart batch - One batch's row.
 * @csspart batch-counts - Under a completed seed's or import's row count: how many rows were new, updated and unchanged.
 * @csspart badge - A batch's status; also `badge-processing`, `badge-completed`, `badge-failed`, `badge-purged`.
 * @csspart progress - A running batch's progress bar (`role="progressbar"`).
 * @csspart progress-bar - The filled part of the progress bar.
 * @csspart row-errors - A failed batch's problems: its message and the table of rows.
 * @csspart confirm - The purge confirmation dialog.
 *
 * @cssprop --pos-progress-color - The progress bar's fill (default `--pos-color-primary`).
 * @cssprop --pos-progress-track - The progress bar's track (default `--pos-color-border`).
 * @cssprop --pos-dropzone-active - The drop area's background while a file is over it.
 * @cssprop --pos-color-danger - Failed badges and row problems.
 * @cssprop --pos-radius - Corner radius.
 */
export class PosDataManager extends PosApiElement<DataManagerClient> {
  static override styles = [baseStyles, badgeStyles, confirmDialogStyles, dataManagerStyles];

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
  @state() private accessor purgePreview: PurgePreview | undefined;
  @state() private accessor sending = '';
  @state() private accessor notice = '';
  @state() private accessor error = '';
  @state() private accessor dragging = false;
  @state() private accessor expanded: ReadonlySet<string> = new Set();
  @state() private accessor purging: DataBatch | undefined = undefined;

  @query('dialog') private accessor confirmDialog!: HTMLDialogElement | null;
  @query('input[type="file"]') private accessor fileInput!: HTMLInputElement | null;

  /** Rows asked of each running seed, for its progress fraction (the batch does not say). */
  #seedCounts = new Map<string, number>();
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  #request = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.#schedulePoll();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
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

  /** Asks the server again for its capabilities and the newest batches. */
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
      this.#schedulePoll();
    } catch (error) {
      if (request !== this.#request) return;
      this.offered = true; // the element is there to say what went wrong
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
    const next = new Set(this.expanded);
    if (open) next.add(id);
    else next.delete(id);
    this.expanded = next;
  }

  /** What a seed or upload answered: running, done, or failed with its problems. */
  #started(batch: DataBatch): void {
    this.#put(batch);
    if (isRunning(batch)) {
      this.notice = strings.batchStarted(kindOf(batch));
      this.#schedulePoll();
    } else this.#finished(batch);
  }

  #finished(batch: DataBatch): void {
    this.#seedCounts.delete(batch.id);
    if (batch.status === 'completed') {
      const split = countsOf(batch);
      this.notice = `${strings.batchCompleted(kindOf(batch), count(batch.record_count))}${split ? ` ${split}.` : ''}`;
      emit(this, 'pos-batch-completed', { batch });
    } else {
      this.notice = strings.batchFailed(kindOf(batch));
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

  #picked(event: Event): void {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) void this.#upload(file);
  }

  #dragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = this.busy ? 'none' : 'copy';
    this.dragging = true;
  }

  #dragLeave(event: DragEvent): void {
    const zone = event.currentTarget as HTMLElement;
    if (!zone.contains(event.relatedTarget as Node | null)) this.dragging = false;
  }

  #drop(event: DragEvent): void {
    event.preventDefault();
    this.dragging = false;
    const file = event.dataTransfer?.files[0];
    if (file && !this.busy) void this.#upload(file);
  }

  #schedulePoll(): void {
    if (this.#pollTimer !== undefined || !this.isConnected || !this.batches.some(isRunning)) return;
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = undefined;
      void this.#poll();
    }, this.pollInterval);
  }

  async #poll(): Promise<void> {
    const running = this.batches.filter(isRunning);
    const answers = await Promise.all(
      running.map((batch) =>
        this.api.batch(batch.id).then(
          (fresh) => ({ before: batch, fresh }),
          () => undefined, // a missed poll is retried at the next one
        ),
      ),
    );
    for (const answer of answers) {
      if (!answer) continue;
      const { before, fresh } = answer;
      this.#put(fresh);
      if (!isRunning(fresh)) this.#finished(fresh);
      else if (fresh.processed_count !== before.processed_count || fresh.bytes_read !== before.bytes_read) {
        emit(this, 'pos-batch-progress', { batch: fresh });
      }
    }
    this.#schedulePoll();
  }

  #askPurge(batch: DataBatch): void {
    this.purging = batch;
    this.purgePreview = undefined;
    this.confirmDialog?.showModal();
    this.api.purgePreview(batch.id).then(
      (preview) => {
        if (this.purging?.id === batch.id) this.purgePreview = preview;
      },
      (error: unknown) => {
        this.confirmDialog?.close();
        this.purging = undefined;
        this.#refused('purge', error);
      },
    );
  }

  async #purge(): Promise<void> {
    const target = this.purging;
    if (!target) return;
    this.#beginAction('purge');
    try {
      const result = await this.api.purge(target.id);
      this.confirmDialog?.close();
      const purged = await this.api.batch(target.id);
      this.#put(purged);
      this.#put(result.batch);
      this.notice = strings.purgeDone(count(result.batch.record_count), strings.entityName(target.entity_type));
      emit(this, 'pos-batch-purged', { batch: purged, purge: result.batch });
      // The Purge button is gone with its row's state: focus the list it was in.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#batches-title')?.focus();
    } catch (error) {
      this.confirmDialog?.close();
      this.#refused('purge', error);
    } finally {
      this.busy = '';
      this.purging = undefined;
    }
  }

  override render() {
    if (!this.offered) return nothing;
    return html`<div part="base">
      ${this.#renderControls()}
      <p part="notice" class="notice" role="status" aria-live="polite">${this.notice}</p>
      ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}
      <h3 id="batches-title" tabindex="-1">${strings.batchesLabel}</h3>
      ${this.#renderBatches()}
      ${this.#renderConfirm()}
    </div>`;
  }

  #renderControls() {
    const busy = this.busy !== '';
    return html`<div part="controls" class="controls">
      ${this.#renderSelect(
        'entity-type',
        strings.entityType,
        this.entityTypes,
        this.entityType,
        strings.entityName,
        (value) => {
          this.entityType = value;
        },
      )}
      <form class="group" @submit=${this.#seed}>
        <fieldset ?disabled=${busy}>
          <legend>${strings.seedLegend}</legend>
          <div class="row">
            <div part="field" class="field">
              <label for="count">${strings.seedCount}</label>
              <input id="count" part="input" name="count" type="number" min="1" max="100000" step="1" value="25" required />
            </div>
            <button type="submit" part="button seed-button">${this.busy === 'seed' ? strings.seeding : strings.seed}</button>
          </div>
        </fieldset>
      </form>
      <fieldset class="group" ?disabled=${busy}>
        <legend>${strings.uploadLegend}</legend>
        <div class="row">
          ${this.#renderSelect('preset', strings.preset, PRESETS, this.preset, strings.presetName, (value) => {
            this.preset = value;
          })}
          <div
            part=${this.dragging ? 'dropzone dropzone-active' : 'dropzone'}
            class="dropzone ${this.dragging ? 'active' : ''}"
            @dragenter=${this.#dragOver}
            @dragover=${this.#dragOver}
            @dragleave=${this.#dragLeave}
            @drop=${this.#drop}
          >
            <input
              id="file"
              class="visually-hidden"
              type="file"
              accept=".csv,.tsv,.txt,text/csv"
              ?disabled=${busy}
              @change=${this.#picked}
            />
            <label for="file" part="button choose-button" class="choose">${strings.chooseFile}</label>
            <span class="hint">${this.sending ? strings.uploading(this.sending) : strings.dropHint}</span>
          </div>
        </div>
      </fieldset>
    </div>`;
  }

  #renderSelect(
    id: string,
    label: string,
    values: readonly string[],
    selected: string,
    name: (value: string) => string,
    choose: (value: string) => void,
  ) {
    return html`<div part="field" class="field">
      <label for=${id}>${label}</label>
      <select id=${id} part="input" @change=${(event: Event) => choose((event.target as HTMLSelectElement).value)}>
        ${values.map((value) => html`<option value=${value} ?selected=${value === selected}>${name(value)}</option>`)}
      </select>
    </div>`;
  }

  #renderBatches() {
    if (this.batches.length === 0) {
      return this.loaded
        ? html`<slot name="empty"><p part="empty" class="empty">${strings.noBatches}</p></slot>`
        : html`<p role="status">${strings.loading}</p>`;
    }
    return html`<div class="scroll">
      <table part="batches" aria-labelledby="batches-title">
        <thead>
          <tr>
            <th scope="col">${strings.columnBatch}</th>
            <th scope="col">${strings.columnStatus}</th>
            <th scope="col" class="number">${strings.columnRows}</th>
            <th scope="col">${strings.columnStarted}</th>
            <th scope="col"><span class="visually-hidden">${strings.columnActions}</span></th>
          </tr>
        </thead>
        ${repeat(
          this.batches,
          (batch) => batch.id,
          (batch) => html`<tbody>
            ${this.#renderBatch(batch)} ${this.expanded.has(batch.id) ? this.#renderErrors(batch) : nothing}
          </tbody>`,
        )}
      </table>
    </div>`;
  }

  #renderBatch(batch: DataBatch) {
    const state = batch.purged_by ? 'purged' : batch.status;
    const label = {
      pending: strings.batchStatusPending,
      processing: strings.batchStatusProcessing,
      completed: strings.batchStatusCompleted,
      failed: strings.batchStatusFailed,
      purged: strings.batchStatusPurged,
    }[state];
    const rows = isRunning(batch) ? batch.processed_count : batch.record_count;
    const canPurge = batch.type !== 'purge' && batch.status === 'completed' && !batch.purged_by;
    return html`<tr part="batch" data-batch-id=${batch.id} data-status=${state}>
      <th scope="row">
        ${kindOf(batch)}
        ${batch.preset && batch.type === 'upload' ? html`<span class="detail">${strings.batchPreset(batch.preset)}</span>` : nothing}
      </th>
      <td>
        <span part="badge badge-${state}" class="badge ${state}">${label}</span>
        ${isRunning(batch) ? this.#renderProgress(batch) : nothing}
      </td>
      <td class="number">
        ${count(rows)}
        ${!isRunning(batch) && countsOf(batch) ? html`<span class="detail" part="batch-counts">${countsOf(batch)}</span>` : nothing}
      </td>
      <td><time datetime=${batch.created_at}>${formatTimestamp(batch.created_at)}</time></td>
      <td><div class="row-actions">
        ${
          batch.status === 'failed' && (batch.errors.length > 0 || batch.error_message)
            ? html`<button
                type="button"
                part="button errors-button"
                aria-expanded=${this.expanded.has(batch.id) ? 'true' : 'false'}
                aria-controls="errors-${batch.id}"
                @click=${() => this.#expand(batch.id, !this.expanded.has(batch.id))}
              >
                ${strings.rowErrorsLabel}
              </button>`
            : nothing
        }
        ${
          canPurge
            ? html`<button
                type="button"
                class="danger"
                part="button purge-button"
                aria-haspopup="dialog"
                ?disabled=${this.busy !== ''}
                @click=${() => this.#askPurge(batch)}
              >
                ${strings.purge}
              </button>`
            : nothing
        }
      </div></td>
    </tr>`;
  }

  #renderProgress(batch: DataBatch) {
    const seedCount = this.#seedCounts.get(batch.id);
    const fraction =
      batch.total_bytes && batch.bytes_read !== null
        ? batch.bytes_read / batch.total_bytes
        : seedCount
          ? batch.processed_count / seedCount
          : undefined;
    const percent = fraction === undefined ? undefined : Math.min(100, Math.floor(fraction * 100));
    const text =
      percent === 100
        ? strings.progressFinishing
        : [percent === undefined ? '' : `${percent} %`, strings.progressRows(count(batch.processed_count))]
            .filter(Boolean)
            .join(' · ');
    return html`<div
        part="progress"
        class="progress ${percent === undefined ? 'indeterminate' : ''}"
        role="progressbar"
        aria-label=${strings.progressLabel(strings.entityName(batch.entity_type))}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${percent ?? nothing}
        aria-valuetext=${text}
      >
        <div part="progress-bar" class="bar" ${cssProperties({ width: `${percent ?? 100}%` })}></div>
      </div>
      <span class="detail">${text}</span>`;
  }

  #renderErrors(batch: DataBatch) {
    const more = batch.error_count - batch.errors.length;
    return html`<tr class="errors-row">
      <td colspan="5">
        <div part="row-errors" id="errors-${batch.id}" class="row-errors">
          ${batch.error_message ? html`<p>${batch.error_message}</p>` : nothing}
          ${
            batch.errors.length > 0
              ? html`<table aria-label=${strings.rowErrorsLabel}>
                  <thead>
                    <tr>
                      <th scope="col" class="number">${strings.columnRow}</th>
                      <th scope="col">${strings.columnColumn}</th>
                      <th scope="col">${strings.columnProblem}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${batch.errors.map(
                      (problem) => html`<tr>
                        <td class="number">${problem.row}</td>
                        <td>${problem.column ?? strings.wholeRow}</td>
                        <td>${problem.message}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>`
              : nothing
          }
          ${more > 0 ? html`<p>${strings.moreRowErrors(count(more))}</p>` : nothing}
          ${
            batch.unknown_columns.length > 0
              ? html`<p class="detail">${strings.unknownColumns(batch.unknown_columns.join(', '))}</p>`
              : nothing
          }
        </div>
      </td>
    </tr>`;
  }

  #renderConfirm() {
    const target = this.purging;
    const preview = this.purgePreview;
    return confirmationDialog({
      title: strings.confirmPurgeTitle,
      body:
        target && preview?.batch_id === target.id
          ? strings.confirmPurgeBody(
              count(preview.removes),
              preview.keeps,
              count(preview.keeps),
              strings.entityName(target.entity_type),
            )
          : strings.confirmPurgeCounting,
      confirm: strings.confirmPurge,
      confirming: strings.purging,
      busy: this.busy === 'purge',
      ready: preview !== undefined && preview.batch_id === target?.id,
      onConfirm: () => void this.#purge(),
      onClose: () => {
        if (this.busy !== 'purge') this.purging = undefined;
      },
    });
  }
}

/** "3 new · 1 updated · 6 unchanged" for a completed seed or import; empty otherwise. */
function countsOf(batch: DataBatch): string {
  if (batch.inserted_count === null || batch.updated_count === null || batch.unchanged_count === null) return '';
  return strings.batchCounts(count(batch.inserted_count), count(batch.updated_count), count(batch.unchanged_count));
}

function isBatch(value: unknown): value is DataBatch {
  return typeof value === 'object' && value !== null && typeof (value as DataBatch).id === 'string';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
