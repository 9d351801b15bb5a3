import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { cssProperties } from '../css-properties.js';
import { formatTimestamp, strings } from '../strings.js';
import { batchDetails } from './batch-details.js';
import { count, countsOf, hasMissing, isRunning, kindOf, type SourceName } from './batch-format.js';
import type { DataBatch } from './data-manager-client.js';

/** What the batches table shows, and what its buttons ask of the Data Manager. */
export interface BatchTableView {
  batches: readonly DataBatch[];
  /** Whether the first list has arrived (until then the table says it is loading). */
  loaded: boolean;
  /** Batches whose details are shown: a failed one's problems, the rows a provider import found missing. */
  expanded: ReadonlySet<string>;
  /** An action is running: Purge waits. */
  busy: boolean;
  /** Rows asked of each running seed, for its progress fraction (the batch does not say). */
  seedCounts: ReadonlyMap<string, number>;
  /** A provider's name by its id, for provider imports. */
  sourceName: SourceName;
  toggleDetails(batch: DataBatch): void;
  askPurge(batch: DataBatch): void;
}

/**
 * The Data Manager's list of batches: one row each, with its status, a progress bar while it
 * runs, the problems of a failed one, the rows a provider import found missing, and Purge. Rendered in `<pos-data-manager>`'s shadow root,
 * so its parts are the element's own.
 */
export function batchTable(view: BatchTableView) {
  if (view.batches.length === 0) {
    return view.loaded
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
        view.batches,
        (batch) => batch.id,
        (batch) => html`<tbody>
          ${batchRow(view, batch)} ${view.expanded.has(batch.id) ? batchDetails(batch, view.sourceName) : nothing}
        </tbody>`,
      )}
    </table>
  </div>`;
}

function batchRow(view: BatchTableView, batch: DataBatch) {
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
  const counts = isRunning(batch) ? '' : countsOf(batch, view.sourceName);
  return html`<tr part="batch" data-batch-id=${batch.id} data-status=${state}>
    <th scope="row">
      ${kindOf(batch, view.sourceName)}
      ${batch.preset && batch.type === 'upload' ? html`<span class="detail">${strings.batchPreset(batch.preset)}</span>` : nothing}
    </th>
    <td data-label=${strings.columnStatus}>
      <span part="badge badge-${state}" class="badge ${state}">${label}</span>
      ${isRunning(batch) ? progress(view, batch) : nothing}
    </td>
    <td class="number" data-label=${strings.columnRows}>
      ${count(rows)}
      ${counts ? html`<span class="detail" part="batch-counts">${counts}</span>` : nothing}
    </td>
    <td data-label=${strings.columnStarted}><time datetime=${batch.created_at}>${formatTimestamp(batch.created_at)}</time></td>
    <td class="actions-cell"><div class="row-actions">
      ${
        batch.status === 'failed' && (batch.errors.length > 0 || batch.error_message)
          ? detailsButton(view, batch, 'errors', strings.rowErrorsLabel)
          : nothing
      }
      ${
        hasMissing(batch)
          ? detailsButton(view, batch, 'missing', strings.missingLabel(view.sourceName(batch.source ?? '')))
          : nothing
      }
      ${
        canPurge
          ? html`<button
              type="button"
              class="danger"
              part="button purge-button"
              aria-haspopup="dialog"
              ?disabled=${view.busy}
              @click=${() => view.askPurge(batch)}
            >
              ${strings.purge}
            </button>`
          : nothing
      }
    </div></td>
  </tr>`;
}

/** Shows or hides what opens under a batch's row: a failed one's problems, a provider import's missing rows. */
function detailsButton(view: BatchTableView, batch: DataBatch, details: 'errors' | 'missing', label: string) {
  return html`<button
    type="button"
    part=${details === 'errors' ? 'button errors-button' : 'button missing-button'}
    aria-expanded=${view.expanded.has(batch.id) ? 'true' : 'false'}
    aria-controls="${details}-${batch.id}"
    @click=${() => view.toggleDetails(batch)}
  >
    ${label}
  </button>`;
}

function progress(view: BatchTableView, batch: DataBatch) {
  const seedCount = view.seedCounts.get(batch.id);
  // What a batch measures its progress against: the file's bytes, the seed's rows, the provider's objects.
  const total = batch.total_count ?? seedCount;
  const fraction =
    batch.total_bytes && batch.bytes_read !== null
      ? batch.bytes_read / batch.total_bytes
      : total
        ? batch.processed_count / total
        : undefined;
  const percent = fraction === undefined ? undefined : Math.min(100, Math.floor(fraction * 100));
  const text =
    percent === 100
      ? strings.progressFinishing
      : [
          percent === undefined ? '' : `${percent} %`,
          batch.total_count
            ? strings.progressOf(count(batch.processed_count), count(batch.total_count))
            : strings.progressRows(count(batch.processed_count)),
        ]
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
