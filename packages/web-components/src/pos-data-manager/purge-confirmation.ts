import type { ReactiveControllerHost } from 'lit';
import { confirmationDialog } from '../confirm-dialog.js';
import { strings } from '../strings.js';
import { count } from './batch-format.js';
import type { DataBatch, DataManagerClient, PurgePreview, PurgeResult } from './data-manager-client.js';

/** What the purge confirmation needs of the Data Manager it belongs to. */
export interface PurgeSteps {
  /** The client of the element's current configuration. */
  client(): DataManagerClient;
  /** Whether the purge itself is running (the dialog's button says so). */
  purging(): boolean;
  beginPurge(): void;
  /** The purge is done: `purged` is the batch whose rows went, `outcome` what the server answered. */
  purged(purged: DataBatch, outcome: PurgeResult): Promise<void>;
  refused(error: unknown): void;
  endPurge(): void;
}

/**
 * "Purge this batch?": opens the confirmation dialog with the server's preview of what a purge
 * removes and keeps, and purges once the user confirms. Composed into `<pos-data-manager>`.
 */
export class PurgeConfirmation {
  /** The batch the dialog asks about. */
  #target: DataBatch | undefined;
  #preview: PurgePreview | undefined;

  readonly #host: Pick<ReactiveControllerHost, 'requestUpdate'> & { readonly renderRoot: ParentNode };
  readonly #steps: PurgeSteps;

  constructor(
    host: Pick<ReactiveControllerHost, 'requestUpdate'> & { readonly renderRoot: ParentNode },
    steps: PurgeSteps,
  ) {
    this.#host = host;
    this.#steps = steps;
  }

  get #dialog(): HTMLDialogElement | null {
    return this.#host.renderRoot.querySelector('dialog[part~="confirm"]');
  }

  #set(target: DataBatch | undefined, preview: PurgePreview | undefined): void {
    this.#target = target;
    this.#preview = preview;
    this.#host.requestUpdate();
  }

  /** Opens the dialog for `batch` and asks the server what purging it would do. */
  ask(batch: DataBatch): void {
    this.#set(batch, undefined);
    this.#dialog?.showModal();
    this.#steps
      .client()
      .purgePreview(batch.id)
      .then(
        (preview) => {
          if (this.#target?.id === batch.id) this.#set(batch, preview);
        },
        (error: unknown) => {
          this.#dialog?.close();
          this.#set(undefined, undefined);
          this.#steps.refused(error);
        },
      );
  }

  async #purge(): Promise<void> {
    const target = this.#target;
    if (!target) return;
    this.#steps.beginPurge();
    try {
      const api = this.#steps.client();
      const result = await api.purge(target.id);
      this.#dialog?.close();
      await this.#steps.purged(await api.batch(target.id), result);
    } catch (error) {
      this.#dialog?.close();
      this.#steps.refused(error);
    } finally {
      this.#steps.endPurge();
      this.#set(undefined, undefined);
    }
  }

  render() {
    const target = this.#target;
    const preview = this.#preview;
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
      busy: this.#steps.purging(),
      ready: preview !== undefined && preview.batch_id === target?.id,
      onConfirm: () => void this.#purge(),
      onClose: () => {
        if (!this.#steps.purging()) this.#set(undefined, undefined);
      },
    });
  }
}
