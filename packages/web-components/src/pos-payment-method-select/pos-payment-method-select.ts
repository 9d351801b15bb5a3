import { html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { emit, type PaymentSplit } from '../events.js';
import { formatAmount, parseAmount } from '../money.js';
import { strings } from '../strings.js';
import { baseStyles } from '../styles.js';
import { paymentStyles } from './pos-payment-method-select.styles.js';

export type PaymentMethod = PaymentSplit['method'] | 'split';
type SingleMethod = PaymentSplit['method'];

const SINGLE_METHODS: SingleMethod[] = ['cash', 'card', 'check', 'other'];

interface SplitRow {
  key: number;
  method: SingleMethod;
  text: string;
}

function methodLabel(method: PaymentMethod): string {
  return {
    cash: strings.methodCash,
    card: strings.methodCard,
    check: strings.methodCheck,
    other: strings.methodOther,
    split: strings.methodSplit,
  }[method];
}

/**
 * Manual payment selection for builds without card integrations (the lite variant): cash, card,
 * check, other, or a split across several methods whose amounts must add up to the total
 * exactly. Amounts are kept in minor units (cents) and parsed without floating point.
 *
 * @summary Manual payment selection: cash, card, check, other, or a split that adds up to the total.
 * @tag pos-payment-method-select
 *
 * A "Record payment" button ends the panel: with a valid selection it fires
 * `pos-payment-recorded`; otherwise it marks what is missing. While the cashier is still typing,
 * an amount left to assign is shown as information, not as an error; it turns into one when
 * they try to record, and an amount that is not a number is flagged once its field is left.
 *
 * @event pos-payment-method-change - The choice or a split amount changed. `detail: { method, payments, valid }`, amounts in minor units.
 * @event pos-payment-recorded - "Record payment" was pressed with a valid selection. `detail: { method, payments }`, amounts in minor units.
 *
 * @csspart base - The fieldset around everything.
 * @csspart label - The legend with the total.
 * @csspart methods - The radio group of methods.
 * @csspart method - Each method's radio + label.
 * @csspart split - The split payments form.
 * @csspart split-row - One split payment (method, amount, remove).
 * @csspart input - Each select or amount input of the split form.
 * @csspart button - The add and remove buttons; also `add-button` and `remove-button`.
 * @csspart balance - The live "left to assign" / "adds up" message.
 * @csspart errors - The list of invalid amounts.
 * @csspart record-button - The "Record payment" button (also `button`).
 *
 * @cssprop --pos-color-primary - The selected method's outline.
 * @cssprop --pos-color-danger - Totals over the amount, and what is missing once the cashier tries to record.
 * @cssprop --pos-color-success - The balanced message.
 */
export class PosPaymentMethodSelect extends LitElement {
  static override styles = [baseStyles, paymentStyles];

  /** The amount to settle, in minor units (cents). */
  @property({ type: Number }) accessor total = 0;

  /** ISO 4217 currency code, for formatting and decimal places. */
  @property() accessor currency = 'USD';

  /** The chosen method. */
  @property({ reflect: true }) accessor method: PaymentMethod = 'cash';

  @state() private accessor rows: SplitRow[] = [
    { key: 1, method: 'cash', text: '' },
    { key: 2, method: 'card', text: '' },
  ];

  /** The cashier pressed "Record payment": what is missing is now an error. */
  @state() private accessor attempted = false;
  /** Split rows whose amount field the cashier has left. */
  @state() private accessor left: ReadonlySet<number> = new Set();

  #nextKey = 3;

  /** The payments that settle the total: one for a single method, the rows for a split. */
  get payments(): PaymentSplit[] {
    if (this.method !== 'split') return [{ method: this.method, amount: this.total }];
    return this.rows.map((row) => ({ method: row.method, amount: parseAmount(row.text, this.currency) ?? 0 }));
  }

  /** True when the selection settles the total exactly. */
  get valid(): boolean {
    if (this.method !== 'split') return true;
    const amounts = this.rows.map((row) => parseAmount(row.text, this.currency));
    return (
      amounts.length >= 2 &&
      amounts.every((amount) => amount !== null && amount > 0) &&
      amounts.reduce<number>((sum, amount) => sum + (amount ?? 0), 0) === this.total
    );
  }

  #changed(): void {
    emit(this, 'pos-payment-method-change', { method: this.method, payments: this.payments, valid: this.valid });
  }

  #choose(event: Event): void {
    this.method = (event.target as HTMLInputElement).value as PaymentMethod;
    this.attempted = false;
    this.#changed();
  }

  #record(): void {
    if (!this.valid) {
      this.attempted = true;
      return;
    }
    this.attempted = false;
    emit(this, 'pos-payment-recorded', { method: this.method, payments: this.payments });
  }

  #updateRow(key: number, patch: Partial<SplitRow>): void {
    this.rows = this.rows.map((row) => (row.key === key ? { ...row, ...patch } : row));
    this.#changed();
  }

  async #addRow(): Promise<void> {
    this.rows = [...this.rows, { key: this.#nextKey++, method: 'other', text: '' }];
    this.#changed();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('[part~="split-row"]:last-of-type input')?.focus();
  }

  async #removeRow(key: number): Promise<void> {
    this.rows = this.rows.filter((row) => row.key !== key);
    this.#changed();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('[part~="add-button"]')?.focus();
  }

  override render() {
    const total = formatAmount(this.total, this.currency);
    return html`<fieldset part="base">
      <legend part="label">${strings.paymentMethodLabel} · ${strings.total(total)}</legend>
      <div part="methods" class="methods" role="radiogroup" aria-label=${strings.paymentMethodLabel}>
        ${[...SINGLE_METHODS, 'split' as const].map(
          (method) => html`<label part="method" class="method">
            <input
              type="radio"
              name="method"
              value=${method}
              .checked=${this.method === method}
              @change=${this.#choose}
            />
            ${methodLabel(method)}
          </label>`,
        )}
      </div>
      ${this.method === 'split' ? this.#renderSplit() : nothing}
      <div class="actions">
        <button type="button" class="primary" part="button record-button" @click=${this.#record}>
          ${strings.recordPayment}
        </button>
      </div>
    </fieldset>`;
  }

  #renderSplit() {
    const parsed = this.rows.map((row) => parseAmount(row.text, this.currency));
    const invalid = this.rows
      .map((row, index) => ({ row, index, amount: parsed[index] }))
      .filter(
        ({ row, amount }) =>
          (this.attempted || this.left.has(row.key)) &&
          (amount === null || amount === 0) &&
          (row.text.trim() !== '' || this.attempted),
      );
    const assigned = parsed.reduce<number>((sum, amount) => sum + (amount ?? 0), 0);
    const difference = this.total - assigned;
    const balance =
      difference === 0
        ? strings.splitBalanced
        : difference > 0
          ? strings.splitRemaining(formatAmount(difference, this.currency))
          : strings.splitOver(formatAmount(-difference, this.currency));
    return html`<fieldset part="split" class="split">
      <legend>${strings.splitLegend}</legend>
      ${this.rows.map((row, index) => {
        const number = index + 1;
        const bad = invalid.some((entry) => entry.row.key === row.key);
        return html`<div part="split-row" class="row">
          <label>
            ${strings.splitMethod(number)}
            <select part="input" .value=${row.method} @change=${(event: Event) =>
              this.#updateRow(row.key, { method: (event.target as HTMLSelectElement).value as SingleMethod })}>
              ${SINGLE_METHODS.map(
                (method) =>
                  html`<option value=${method} ?selected=${method === row.method}>${methodLabel(method)}</option>`,
              )}
            </select>
          </label>
          <label>
            ${strings.splitAmount(number)}
            <input
              part="input"
              inputmode="decimal"
              autocomplete="off"
              placeholder="0.00"
              .value=${row.text}
              aria-invalid=${bad ? 'true' : 'false'}
              @input=${(event: Event) => this.#updateRow(row.key, { text: (event.target as HTMLInputElement).value })}
              @change=${() => {
                this.left = new Set([...this.left, row.key]);
              }}
            />
          </label>
          <button
            type="button"
            part="button remove-button"
            aria-label=${strings.removeSplit(number)}
            ?disabled=${this.rows.length <= 2}
            @click=${() => this.#removeRow(row.key)}
          >
            ✕
          </button>
        </div>`;
      })}
      <div>
        <button type="button" part="button add-button" @click=${this.#addRow}>${strings.addSplit}</button>
      </div>
      <p
        part="balance"
        class="balance ${difference === 0 ? 'balanced' : difference < 0 || this.attempted ? 'unbalanced' : 'remaining'}"
        role="status"
        aria-live="polite"
      >
        ${balance}
      </p>
      ${
        invalid.length > 0
          ? html`<ul part="errors" class="errors" role="alert">
            ${invalid.map(({ index }) => html`<li>${strings.splitInvalidAmount(index + 1)}</li>`)}
          </ul>`
          : nothing
      }
    </fieldset>`;
  }
}
