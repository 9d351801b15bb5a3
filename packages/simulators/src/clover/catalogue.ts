/**
 * A Clover merchant's inventory as the simulator keeps it: categories, and items with the
 * merchant's own fields. `inventory.ts` turns them into Clover's JSON (`GET /v3/merchants/{mId}/items`).
 */

export interface CloverCategory {
  id: string;
  name: string;
  sortOrder: number;
}

export type CloverPriceType = 'FIXED' | 'VARIABLE' | 'PER_UNIT';

export interface CloverItem {
  /** 13 characters, like Clover's ids. */
  id: string;
  name: string;
  /** Minor units of the merchant's currency (cents); per `unitName` for `PER_UNIT`, 0 for `VARIABLE`. */
  price: number;
  priceType: CloverPriceType;
  sku?: string;
  /** The product code (UPC, EAN). */
  code?: string;
  unitName?: string;
  /** Hidden from the Register app; still part of the inventory. */
  hidden?: boolean;
  available?: boolean;
  /** Ids of the item's categories, in the order Clover lists them. */
  categories: string[];
  /** The item stock's quantity (a double in Clover); undefined when the item has no item stock. */
  stock?: number;
  /** Epoch milliseconds. */
  modifiedTime: number;
}

export interface CloverCatalogue {
  categories: CloverCategory[];
  items: CloverItem[];
}

/** A stable time for fixtures (2026-01-15T10:00:00Z), so generated catalogues never differ. */
const FIXTURE_TIME = Date.UTC(2026, 0, 15, 10);

/** The characters of Clover's ids (digits and capitals without I, L, O, U). */
const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A small deterministic generator (mulberry32): the same seed always gives the same catalogue. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator of distinct 13-character ids. */
function cloverIds(next: () => number): () => string {
  const seen = new Set<string>();
  return () => {
    for (;;) {
      let id = '';
      for (let index = 0; index < 13; index++) id += ID_ALPHABET[Math.floor(next() * ID_ALPHABET.length)];
      if (!seen.has(id)) {
        seen.add(id);
        return id;
      }
    }
  };
}

/** Demo Bakery's inventory: a dozen items, with the cases an import meets in a real one. */
export function cloverDemoCatalogue(): CloverCatalogue {
  const coffee = { id: 'C0FFEE0CAT001', name: 'Coffee', sortOrder: 0 };
  const bakery = { id: 'BAKERY0CAT002', name: 'Bakery', sortOrder: 1 };
  const retail = { id: 'RETA1L0CAT003', name: 'Retail', sortOrder: 2 };
  const item = (id: string, fields: Omit<CloverItem, 'id' | 'modifiedTime' | 'priceType'> & Partial<CloverItem>) => ({
    id,
    priceType: 'FIXED' as const,
    modifiedTime: FIXTURE_TIME,
    ...fields,
  });
  return {
    categories: [coffee, bakery, retail],
    items: [
      item('9J1F7WW503CZW', { name: 'Espresso', sku: 'COF-ESP', price: 300, categories: [coffee.id] }),
      item('AK5ESN5YR8YWY', { name: 'Cappuccino', sku: 'COF-CAP', price: 425, categories: [coffee.id] }),
      item('Z0EPYQ2R5TQ5Y', { name: 'Oat Latte', sku: 'COF-OAT', price: 495, categories: [coffee.id] }),
      item('H7QK2M9VB3XTR', { name: 'Cold Brew', sku: 'COF-CBR', price: 450, categories: [coffee.id], stock: 18 }),
      item('B4KD8N2PX6WQE', {
        name: 'Butter Croissant',
        sku: 'BAK-CRO',
        price: 375,
        categories: [bakery.id],
        stock: 24,
        code: '0123456789012',
      }),
      item('M2RT6Y8HJ4KZP', {
        name: 'Blueberry Muffin',
        sku: 'BAK-MUF',
        price: 350,
        categories: [bakery.id],
        stock: 0,
      }),
      item('Q9WS3E5RD7TGY', { name: 'Sourdough Loaf', sku: 'BAK-SDL', price: 850, categories: [bakery.id], stock: 6 }),
      // No SKU at Clover: the import names it after Clover's item id.
      item('C8VN1B3MX5ZKA', { name: 'Cinnamon Roll', price: 400, categories: [bakery.id], stock: 9 }),
      item('W6PF4G2HK8JRT', {
        name: 'House Blend Beans 12 oz',
        sku: 'RET-HB12',
        price: 1600,
        categories: [retail.id, coffee.id],
        stock: 31,
        code: '0850001234561',
      }),
      item('T3YX7C9VB1NMQ', {
        name: 'Demo Bakery Mug',
        sku: 'RET-MUG',
        price: 1400,
        categories: [retail.id],
        stock: 12,
        hidden: true,
      }),
      // Sold by weight: a per-pound price and a stock that is not a whole number.
      item('P5LK9J7HG3FDS', {
        name: 'Coffee Beans by Weight',
        sku: 'RET-BULK',
        price: 1899,
        priceType: 'PER_UNIT',
        unitName: 'lb',
        categories: [retail.id],
        stock: 12.5,
      }),
      // Priced at the register: nothing to import as a product price.
      item('G2HJ4K6L8ZXCV', { name: 'Custom Cake Order', price: 0, priceType: 'VARIABLE', categories: [bakery.id] }),
    ],
  };
}

const ADJECTIVES = ['Classic', 'Toasted', 'Iced', 'Honey', 'Spiced', 'Dark', 'Golden', 'Smoked', 'Vanilla', 'Sea Salt'];
const NOUNS = ['Latte', 'Bagel', 'Scone', 'Tart', 'Granola', 'Mocha', 'Brownie', 'Cookie', 'Focaccia', 'Tea'];
const CATEGORY_NAMES = ['Coffee', 'Tea', 'Bakery', 'Breakfast', 'Retail', 'Seasonal'];

/**
 * `count` distinct items, the same for the same `count` and `seed`: each with a SKU
 * (`CLV-000001`…), a fixed price, a product code, one or two categories, and an item stock for
 * two items in three (the others have none, as items whose stock the merchant does not track).
 */
export function cloverGeneratedCatalogue(count: number, seed = 1): CloverCatalogue {
  const next = seeded(seed);
  const id = cloverIds(next);
  const categories = CATEGORY_NAMES.map((name, sortOrder) => ({ id: id(), name, sortOrder }));
  const items: CloverItem[] = [];
  for (let index = 0; index < count; index++) {
    const number = String(index + 1).padStart(6, '0');
    const first = categories[index % categories.length] as CloverCategory;
    const second = categories[(index + 2) % categories.length] as CloverCategory;
    items.push({
      id: id(),
      name: `${ADJECTIVES[index % ADJECTIVES.length]} ${NOUNS[Math.floor(index / ADJECTIVES.length) % NOUNS.length]} ${number}`,
      sku: `CLV-${number}`,
      code: `20${number}${String(Math.floor(next() * 100_000)).padStart(5, '0')}`,
      price: 100 + Math.floor(next() * 4_900),
      priceType: 'FIXED',
      categories: index % 5 === 0 ? [first.id, second.id] : [first.id],
      ...(index % 3 === 2 ? {} : { stock: Math.floor(next() * 200) }),
      modifiedTime: FIXTURE_TIME,
    });
  }
  return { categories, items };
}
