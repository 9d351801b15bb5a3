import { html } from 'lit';
import { strings } from '../strings.js';

/** The presets the server reads; `''` lets it detect the format from the header. */
const PRESETS = ['', 'pos', 'shopify', 'woocommerce', 'square'];

/** What the controls show, and what they ask of the Data Manager. */
export interface ControlsView {
  entityTypes: readonly string[];
  entityType: string;
  preset: string;
  /** The action running: `''` when none, `'seed'` while sample data is generated. */
  busy: string;
  /** A file is dragged over the drop area. */
  dragging: boolean;
  /** The name of the file being sent, if any. */
  sending: string;
  /** The forms of the providers to import from (`ProviderImports.render()`). */
  providerImports: unknown;
  chooseEntityType(value: string): void;
  choosePreset(value: string): void;
  seed(event: SubmitEvent): void;
  upload(file: File): void;
  setDragging(dragging: boolean): void;
}

/**
 * The Data Manager's controls: the entity type, the seed form, the CSV upload (file picker or
 * drag and drop) and the imports from connected providers. Rendered in `<pos-data-manager>`'s shadow root, so its parts are the element's.
 */
export function dataManagerControls(view: ControlsView) {
  const busy = view.busy !== '';
  const dragOver = (event: DragEvent) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = busy ? 'none' : 'copy';
    view.setDragging(true);
  };
  const dragLeave = (event: DragEvent) => {
    const zone = event.currentTarget as HTMLElement;
    if (!zone.contains(event.relatedTarget as Node | null)) view.setDragging(false);
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    view.setDragging(false);
    const file = event.dataTransfer?.files[0];
    if (file && !busy) view.upload(file);
  };
  const picked = (event: Event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) view.upload(file);
  };
  return html`<div part="controls" class="controls">
    ${select('entity-type', strings.entityType, view.entityTypes, view.entityType, strings.entityName, view.chooseEntityType)}
    <form class="group" @submit=${view.seed}>
      <fieldset ?disabled=${busy}>
        <legend>${strings.seedLegend}</legend>
        <div class="row">
          <div part="field" class="field">
            <label for="count">${strings.seedCount}</label>
            <input id="count" part="input" name="count" type="number" min="1" max="100000" step="1" value="25" required />
          </div>
          <button type="submit" part="button seed-button">${view.busy === 'seed' ? strings.seeding : strings.seed}</button>
        </div>
      </fieldset>
    </form>
    <fieldset class="group" ?disabled=${busy}>
      <legend>${strings.uploadLegend}</legend>
      <div class="row">
        ${select('preset', strings.preset, PRESETS, view.preset, strings.presetName, view.choosePreset)}
        <div
          part=${view.dragging ? 'dropzone dropzone-active' : 'dropzone'}
          class="dropzone ${view.dragging ? 'active' : ''}"
          @dragenter=${dragOver}
          @dragover=${dragOver}
          @dragleave=${dragLeave}
          @drop=${drop}
        >
          <input
            id="file"
            class="visually-hidden"
            type="file"
            accept=".csv,.tsv,.txt,text/csv"
            ?disabled=${busy}
            @change=${picked}
          />
          <label for="file" part="button choose-button" class="choose">${strings.chooseFile}</label>
          <span class="hint">${view.sending ? strings.uploading(view.sending) : strings.dropHint}</span>
        </div>
      </div>
    </fieldset>
    ${view.providerImports}
  </div>`;
}

function select(
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
