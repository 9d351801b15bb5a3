import { IntegrationError } from '../errors.js';
import { rateLimited } from './rate-limited.js';

/** What a running batch holds: one of its tenant's slots, and the bytes of its upload. Release it once. */
export interface BatchTicket {
  readonly tenantId: string;
  release(): void;
}

export interface BatchSlotLimits {
  batchesPerTenant: number;
  batchesTotal: number;
  uploadBytesPerTenant: number;
}

/** How long a refused caller is asked to wait: batches take seconds, and nothing tells when one ends. */
export const BATCH_RETRY_AFTER_SECONDS = 5;

const MIB = 1024 * 1024;

function mib(bytes: number): string {
  return `${Math.round((bytes / MIB) * 10) / 10} MiB`;
}

/**
 * Counts the Data Manager batches running in this process, per tenant and in total, and the
 * upload bytes each tenant has in flight. {@link take} refuses a batch over a limit before
 * anything is created.
 */
export class BatchSlots {
  readonly #limits: BatchSlotLimits;
  readonly #running = new Map<string, { batches: number; bytes: number }>();
  #total = 0;

  constructor(limits: BatchSlotLimits) {
    this.#limits = limits;
  }

  /**
   * Takes a slot for one batch of the tenant, holding `uploadBytes` of its upload allowance.
   * Throws `RATE_LIMITED` when the tenant or the process is at its limit, `PAYLOAD_TOO_LARGE`
   * when `uploadBytes` alone is more than a tenant may have in flight.
   */
  take(tenantId: string, uploadBytes = 0): BatchTicket {
    const limits = this.#limits;
    if (uploadBytes > limits.uploadBytesPerTenant) {
      throw new IntegrationError(
        'PAYLOAD_TOO_LARGE',
        `The upload is larger than the ${mib(limits.uploadBytesPerTenant)} an account may have in progress.`,
        { details: { max_bytes: limits.uploadBytesPerTenant } },
      );
    }
    const held = this.#running.get(tenantId) ?? { batches: 0, bytes: 0 };
    if (held.batches >= limits.batchesPerTenant) {
      throw rateLimited(
        `This account already has ${held.batches} Data Manager ${held.batches === 1 ? 'batch' : 'batches'} running: try again when one has finished.`,
        BATCH_RETRY_AFTER_SECONDS,
        { limit: 'batches_per_tenant', max: limits.batchesPerTenant },
      );
    }
    if (held.bytes + uploadBytes > limits.uploadBytesPerTenant) {
      throw rateLimited(
        `This account already has ${mib(held.bytes)} of uploads in progress (at most ${mib(limits.uploadBytesPerTenant)}): try again when one has finished.`,
        BATCH_RETRY_AFTER_SECONDS,
        { limit: 'upload_bytes_per_tenant', max: limits.uploadBytesPerTenant },
      );
    }
    if (this.#total >= limits.batchesTotal) {
      throw rateLimited(
        'The server is running as many Data Manager batches as it may at once: try again shortly.',
        BATCH_RETRY_AFTER_SECONDS,
        { limit: 'batches_total', max: limits.batchesTotal },
      );
    }
    held.batches += 1;
    held.bytes += uploadBytes;
    this.#running.set(tenantId, held);
    this.#total += 1;
    let released = false;
    return {
      tenantId,
      release: () => {
        if (released) return;
        released = true;
        this.#total -= 1;
        held.batches -= 1;
        held.bytes -= uploadBytes;
        if (held.batches === 0) this.#running.delete(tenantId);
      },
    };
  }

  /** Batches running for one tenant, or in total. */
  running(tenantId?: string): number {
    return tenantId === undefined ? this.#total : (this.#running.get(tenantId)?.batches ?? 0);
  }
}
