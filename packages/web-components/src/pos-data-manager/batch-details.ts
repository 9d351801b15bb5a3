import { html, nothing } from 'lit';
import { strings } from '../strings.js';
import { count, type SourceName } from './batch-format.js';
import type { DataBatch } from './data-manager-client.js';

/**
 * What opens under a batch's row: a failed batch's problems, or the rows a provider import found
 * its provider no longer has. Rendered in `<pos-data-manager>`'s shadow root, so its parts are
 * the element's.
 */
export function batchDetails(batch: DataBatch, sourceName: SourceName) {
  return html`<tr class="details-row">
    <td colspan="5">${batch.status === 'failed' ? rowErrors(batch, sourceName) : missingRows(batch, sourceName)}</td>
  </tr>`;
}

function rowErrors(batch: DataBatch, sourceName: SourceName) {
  const more = batch.error_count - batch.errors.length;
  // A provider's rows are named by the provider's id of the object, which the merchant can look up.
  const byRef = batch.source !== null && batch.errors.some((problem) => problem.ref);
  return html`<div part="row-errors" id="errors-${batch.id}" class="row-errors">
    ${batch.error_message ? html`<p>${batch.error_message}</p>` : nothing}
    ${
      batch.errors.length > 0
        ? html`<table aria-label=${strings.rowErrorsLabel}>
            <thead>
              <tr>
                <th scope="col" class=${byRef ? '' : 'number'}>
                  ${byRef && batch.source ? strings.columnRef(sourceName(batch.source)) : strings.columnRow}
                </th>
                <th scope="col">${strings.columnColumn}</th>
                <th scope="col">${strings.columnProblem}</th>
              </tr>
            </thead>
            <tbody>
              ${batch.errors.map(
                (problem) => html`<tr>
                  <td class=${byRef ? 'ref' : 'number'}>${byRef ? (problem.ref ?? problem.row) : problem.row}</td>
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
  </div>`;
}

function missingRows(batch: DataBatch, sourceName: SourceName) {
  const name = sourceName(batch.source ?? '');
  const missing = batch.missing_count ?? 0;
  const more = missing - batch.missing.length;
  const entity = strings.entityName(batch.entity_type).toLowerCase();
  return html`<div part="missing" id="missing-${batch.id}" class="missing">
    <p>${strings.missingIntro(count(missing), entity, name, batch.remove_missing)}</p>
    <table aria-label=${strings.missingLabel(name)}>
      <thead>
        <tr>
          <th scope="col">${strings.columnKey(batch.entity_type)}</th>
          <th scope="col">${strings.columnName}</th>
        </tr>
      </thead>
      <tbody>
        ${batch.missing.map(
          (row) => html`<tr>
            <td class="ref">${row.key}</td>
            <td>${row.name ?? strings.unnamed}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${more > 0 ? html`<p>${strings.moreRowErrors(count(more))}</p>` : nothing}
  </div>`;
}
