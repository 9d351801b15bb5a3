import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { PosApiError } from '../api-client.js';
import { PosApiElement } from '../api-element.js';
import { emit } from '../events.js';
import { strings } from '../strings.js';
import { baseStyles } from '../styles.js';
import { dataExportStyles } from './pos-data-export.styles.js';

/**
 * CSV export, the feature the export variant adds to lite: pick an entity type and download
 * every row of it as a CSV in our own columns (the format the Data Manager's upload reads back).
 * Rendered only when the server's capabilities include `export`; otherwise nothing at all.
 *
 * @summary Downloads every row of an entity type as a CSV file.
 * @tag pos-data-export
 *
 * @event pos-export-downloaded - A file was handed to the browser. `detail: { entity_type, filename, bytes }`
 * @event pos-error - The export failed. `detail: { provider: 'data-manager', action: 'export', error_code, message }`
 *
 * @csspart base - The fieldset around everything.
 * @csspart label - The legend.
 * @csspart select - The entity type select.
 * @csspart button - The download button.
 * @csspart status - The live result or error message.
 *
 * @cssprop --pos-data-export-status-color - The result message's colour (default the muted colour).
 */
export class PosDataExport extends PosApiElement {
  static override styles = [baseStyles, dataExportStyles];

  /** The entity types offered, comma separated. */
  @property({ attribute: 'entity-types' }) accessor entityTypes = 'products,customers';

  @state() private accessor available = false;
  @state() private accessor busy = false;
  @state() private accessor message = '';
  @state() private accessor failed = false;

  #selected = '';
  #request = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || changed.has('apiBase') || changed.has('token') || changed.has('fetch')) {
      void this.#discover();
    }
  }

  get #types(): string[] {
    return this.entityTypes
      .split(',')
      .map((type) => type.trim())
      .filter(Boolean);
  }

  async #discover(): Promise<void> {
    const request = ++this.#request;
    try {
      const capabilities = await this.api.capabilities();
      if (request === this.#request) this.available = capabilities.features.export === true;
    } catch {
      if (request === this.#request) this.available = false;
    }
  }

  /** Downloads one entity type's CSV; resolves once the browser has the file. */
  async download(entityType = this.#selected || this.#types[0] || 'products'): Promise<void> {
    this.busy = true;
    this.failed = false;
    this.message = strings.exporting;
    try {
      const { filename, blob } = await this.api.exportCsv(entityType);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      link.hidden = true;
      this.renderRoot.append(link);
      link.click();
      link.remove();
      // The click starts the download synchronously; the URL is not needed after this turn.
      setTimeout(() => URL.revokeObjectURL(url), 0);
      this.message = strings.exported(filename, blob.size);
      emit(this, 'pos-export-downloaded', { entity_type: entityType, filename, bytes: blob.size });
    } catch (error) {
      const code = error instanceof PosApiError ? error.code : 'EXPORT_FAILED';
      const message = error instanceof Error ? error.message : String(error);
      this.failed = true;
      this.message = strings.exportFailed(message);
      emit(this, 'pos-error', { provider: 'data-manager', action: 'export', error_code: code, message });
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (!this.available) return nothing;
    const types = this.#types;
    return html`<fieldset part="base">
      <legend part="label">${strings.exportLegend}</legend>
      <label>
        ${strings.entityType}
        <select
          part="select"
          @change=${(event: Event) => {
            this.#selected = (event.target as HTMLSelectElement).value;
          }}
        >
          ${types.map((type) => html`<option value=${type}>${strings.entityName(type)}</option>`)}
        </select>
      </label>
      <button type="button" class="primary" part="button" ?disabled=${this.busy} @click=${() => this.download()}>
        ${this.busy ? strings.exporting : strings.exportDownload}
      </button>
      <p part="status" role=${this.failed ? 'alert' : 'status'} aria-live="polite">${this.message}</p>
    </fieldset>`;
  }
}
