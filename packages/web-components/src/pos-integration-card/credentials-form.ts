import { html, nothing } from 'lit';
import { type CredentialField, type IntegrationDescriptor, PosApiError } from '../api-client.js';
import { inWords, strings } from '../strings.js';

/** What the way to connect shows, and what its buttons ask of the card. */
export interface CredentialsView {
  integration: IntegrationDescriptor;
  /** The provider's display name. */
  name: string;
  /** The card's running action: `'save'` disables the form, any action disables Connect. */
  busy: string;
  /** The refused save's message, and its problems by field name. */
  formError: string;
  fieldErrors: Readonly<Record<string, string>>;
  save(event: SubmitEvent): void;
  connectOAuth(): void;
}

/**
 * How a provider that is not connected gets connected: a Connect button for OAuth providers, a
 * credentials form built from the fields the server describes for API-key providers. Secret
 * fields are password inputs, never filled from the server. Rendered in `<pos-integration-card>`'s
 * shadow root, so its parts are the card's.
 */
export function credentialsForm(view: CredentialsView) {
  const { integration } = view;
  if (integration.kind === 'oauth') {
    return html`<div part="actions" class="actions">
      <button
        type="button"
        class="primary"
        part="button connect-button"
        ?disabled=${view.busy !== ''}
        @click=${view.connectOAuth}
      >
        ${view.busy === 'connect' ? strings.connecting : strings.connect(view.name)}
      </button>
    </div>`;
  }
  const fields = integration.fields ?? [];
  return html`<form part="form" @submit=${view.save} novalidate>
    <fieldset ?disabled=${view.busy === 'save'}>
      <legend>${strings.credentialsLegend(view.name)}</legend>
      ${fields.map((field) => credentialField(field, view.fieldErrors[field.name]))}
      <div class="actions">
        <button type="submit" class="primary" part="button save-button">
          ${view.busy === 'save' ? strings.saving : strings.save}
        </button>
      </div>
      ${
        view.formError
          ? html`<p part="form-error" role="alert">${
              // The problems are said beside their fields: once is enough.
              fields.some((field) => view.fieldErrors[field.name]) ? strings.checkFields : view.formError
            }</p>`
          : nothing
      }
    </fieldset>
  </form>`;
}

function credentialField(field: CredentialField, error: string | undefined) {
  const id = `field-${field.name}`;
  const describedBy = [field.secret ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const control = field.options
    ? html`<select id=${id} name=${field.name} part="input" ?required=${field.required} aria-invalid=${error ? 'true' : 'false'}>
        ${field.required || field.default !== undefined ? nothing : html`<option value="">${strings.optionDefault}</option>`}
        ${field.options.map(
          (option) => html`<option value=${option} ?selected=${option === field.default}>${inWords(option)}</option>`,
        )}
      </select>`
    : html`<input
        id=${id}
        name=${field.name}
        part="input"
        type=${field.secret ? 'password' : 'text'}
        autocomplete="off"
        spellcheck="false"
        placeholder=${field.placeholder ?? ''}
        ?required=${field.required}
        aria-required=${field.required ? 'true' : 'false'}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${describedBy || nothing}
      />`;
  return html`<label part="field" for=${id}>
    ${field.label}
    ${control}
    ${field.secret ? html`<span class="hint" id="${id}-hint">${strings.secretHint}</span>` : nothing}
    ${error ? html`<span class="field-error" id="${id}-error">${field.label} ${error}</span>` : nothing}
  </label>`;
}

/** The non-empty values of the provider's fields in a submitted credentials form, trimmed. */
export function credentialsOf(form: HTMLFormElement, fields: readonly CredentialField[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = String(new FormData(form).get(field.name) ?? '').trim();
    if (value !== '') values[field.name] = value;
  }
  return values;
}

/** `details.issues` of a validation error, by field name. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof PosApiError)) return {};
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return {};
  const byField: Record<string, string> = {};
  for (const issue of issues as Array<{ field?: unknown; message?: unknown }>) {
    if (typeof issue.field === 'string' && typeof issue.message === 'string') byField[issue.field] ??= issue.message;
  }
  return byField;
}
