import {
  changedAt,
  type SquareCatalogObject,
  type SquareCatalogueContent,
  type SquareCustomer,
  type SquareInventoryCount,
  type SquareItemObject,
  type SquareVariationObject,
} from './catalogue-objects.js';

/** Objects ListCatalog returns by default: the top-level types (variations come nested in items). */
const TOP_LEVEL = new Set(['ITEM', 'CATEGORY']);

/**
 * A simulated seller's catalogue, inventory and customers, and the faults the tests arm. The
 * HTTP side (`catalogue-routes.ts`) reads it; tests and the demo change it through these methods.
 */
export class SquareCatalogue {
  #objects: SquareCatalogObject[] = [];
  #counts = new Map<string, SquareInventoryCount[]>();
  #customers: SquareCustomer[] = [];
  /** Live objects per `types` filter, rebuilt after a change. */
  #lists = new Map<string, SquareCatalogObject[]>();
  #changes = 0;
  #rateLimits = 0;
  #failingLaterPages = false;

  constructor(content: SquareCatalogueContent) {
    this.replace(content);
  }

  /** Replaces everything the seller keeps. */
  replace(content: SquareCatalogueContent): void {
    this.#objects = content.objects;
    this.#counts = new Map();
    for (const count of content.counts) {
      const list = this.#counts.get(count.catalog_object_id);
      if (list) list.push(count);
      else this.#counts.set(count.catalog_object_id, [count]);
    }
    this.#customers = content.customers;
    this.#lists.clear();
  }

  /** Live (not deleted) objects of the given types, in catalogue order; `ITEM_VARIATION` lists the nested variations. */
  live(types: ReadonlySet<string> = TOP_LEVEL): readonly SquareCatalogObject[] {
    const key = [...types].sort().join(',');
    let list = this.#lists.get(key);
    if (!list) {
      list = this.#everything(types).filter((object) => !object.is_deleted);
      this.#lists.set(key, list);
    }
    return list;
  }

  /** Every object of the given types, deleted ones included (SearchCatalogObjects with `include_deleted_objects`). */
  withDeleted(types: ReadonlySet<string>): SquareCatalogObject[] {
    return this.#everything(types);
  }

  #everything(types: ReadonlySet<string>): SquareCatalogObject[] {
    const found: SquareCatalogObject[] = [];
    for (const object of this.#objects) {
      if (types.has(object.type)) found.push(object);
      if (object.type === 'ITEM' && types.has('ITEM_VARIATION')) found.push(...object.item_data.variations);
    }
    return found;
  }

  /** The live variations, in catalogue order. */
  variations(): SquareVariationObject[] {
    return this.live(new Set(['ITEM_VARIATION'])) as SquareVariationObject[];
  }

  /** The counts recorded for a variation, at every location and in every state. */
  countsOf(variationId: string): readonly SquareInventoryCount[] {
    return this.#counts.get(variationId) ?? [];
  }

  /** Every count, for a retrieve without `catalog_object_ids`. */
  allCounts(): SquareInventoryCount[] {
    return [...this.#counts.values()].flat();
  }

  get customers(): readonly SquareCustomer[] {
    return this.#customers;
  }

  /** Replaces the customers only. */
  replaceCustomers(customers: SquareCustomer[]): void {
    this.#customers = customers;
  }

  /** Sets a variation's price (minor units), as an edit in the Square Dashboard would: a new version. */
  setPrice(variationId: string, amount: number): void {
    const variation = this.variations().find((candidate) => candidate.id === variationId);
    if (!variation?.item_variation_data.price_money) throw new Error(`No fixed-price variation ${variationId}`);
    variation.item_variation_data.price_money = { ...variation.item_variation_data.price_money, amount };
    this.#touch(variation);
  }

  /**
   * Deletes an item (with its variations) or a single variation, the way Square does: the object
   * stays, `is_deleted: true` with a new version, and ListCatalog no longer returns it.
   */
  delete(id: string): void {
    for (const object of this.#objects) {
      if (object.id === id) {
        object.is_deleted = true;
        this.#touch(object);
        if (object.type === 'ITEM') for (const variation of object.item_data.variations) this.#deleted(variation);
        break;
      }
      if (object.type === 'ITEM') {
        const variation = object.item_data.variations.find((candidate) => candidate.id === id);
        if (variation) {
          this.#deleted(variation);
          object.item_data.variations = object.item_data.variations.filter((candidate) => candidate !== variation);
          // A deleted variation is still found by a search that includes deleted objects.
          this.#objects.push(variation);
          this.#touch(object);
          break;
        }
      }
    }
    this.#lists.clear();
  }

  #deleted(variation: SquareVariationObject) {
    variation.is_deleted = true;
    this.#touch(variation);
  }

  /** The item a live variation belongs to. */
  itemOf(variationId: string): SquareItemObject | undefined {
    return this.live().find(
      (object): object is SquareItemObject =>
        object.type === 'ITEM' && object.item_data.variations.some((variation) => variation.id === variationId),
    );
  }

  #touch(object: { updated_at: string; version: number }) {
    this.#changes += 1;
    object.updated_at = changedAt(1_000_000 + this.#changes);
    object.version += this.#changes;
  }

  /** The next catalogue, inventory or customer call answers 429 with `Retry-After: 1`. */
  rateLimitOnce(): void {
    this.#rateLimits += 1;
  }

  /** Every call for a later page (one that carries a cursor) answers 503 until `up()`. */
  failLaterPages(): void {
    this.#failingLaterPages = true;
  }

  /** Clears the armed faults. */
  up(): void {
    this.#rateLimits = 0;
    this.#failingLaterPages = false;
  }

  /** The fault a call meets now, if any; a 429 is used up by the call that meets it. */
  faultFor(laterPage: boolean): 'rate_limited' | 'unavailable' | undefined {
    if (this.#rateLimits > 0) {
      this.#rateLimits -= 1;
      return 'rate_limited';
    }
    return laterPage && this.#failingLaterPages ? 'unavailable' : undefined;
  }
}
