import type { BatchRowError } from '../../storage/batches.js';
import type { EntityDefinition, EntityInput } from '../entities.js';

/** A file's header row, looked up case-insensitively. */
export class Header {
  readonly names: readonly string[];
  readonly #index = new Map<string, number>();

  constructor(record: readonly string[]) {
    this.names = record.map((name) => name.replace(/^\uFEFF/, '').trim());
    this.names.forEach((name, index) => {
      const key = name.toLowerCase();
      if (!this.#index.has(key)) this.#index.set(key, index);
    });
  }

  get length(): number {
    return this.names.length;
  }

  has(name: string): boolean {
    return this.#index.has(name.toLowerCase());
  }

  /** The column's position, or -1. */
  index(name: string): number {
    return this.#index.get(name.toLowerCase()) ?? -1;
  }

  /** The file's own spelling of a column it has. */
  name(name: string): string | null {
    const index = this.index(name);
    return index === -1 ? null : (this.names[index] as string);
  }

  /** Columns for which `known` says no, in file order, without blanks. */
  unknown(known: (lowercaseName: string) => boolean): string[] {
    return this.names.filter((name) => name !== '' && !known(name.toLowerCase()));
  }
}

/** A preset's verdict on one row: it cannot be read (the message names the file's column). */
export class RowProblem extends Error {
  constructor(
    readonly column: string | null,
    message: string,
  ) {
    super(message);
  }
}

export interface RowMapper {
  /** The file column a field is read from, for row errors; null when it is derived. */
  columnOf(field: string): string | null;
  /**
   * One record as cell texts per field, or null for a row that holds no record (a Shopify
   * image row, a WooCommerce parent). Throws {@link RowProblem} for rows it cannot read.
   */
  map(record: readonly string[]): EntityInput | null;
}

export interface PresetContext {
  entity: EntityDefinition;
  /** Values for cells a file leaves empty or lacks (`currency`). */
  defaults: Readonly<Record<string, string>>;
}

export type PresetOpening = { mapper: RowMapper; unknownColumns: string[] } | { errors: BatchRowError[] };

export interface Preset {
  id: string;
  label: string;
  /** The system whose export files the preset reads, for messages (`Shopify`); none for our own format. */
  system?: string;
  /** The entity types the preset produces; undefined for any. */
  entityTypes?: readonly string[];
  /** True when a header looks like this preset's files. */
  detect(header: Header, entity: EntityDefinition): boolean;
  open(header: Header, context: PresetContext): PresetOpening;
}

/** Builds "is missing from the header" errors, or none. */
export function missingColumns(header: Header, required: readonly string[]): BatchRowError[] {
  return required
    .filter((column) => !header.has(column))
    .map((column) => ({ row: 1, column, message: 'is missing from the header' }));
}

/** A cell by column position; empty when the column is absent. */
export function cell(record: readonly string[], index: number): string {
  return index === -1 ? '' : ((record[index] as string | undefined) ?? '');
}
