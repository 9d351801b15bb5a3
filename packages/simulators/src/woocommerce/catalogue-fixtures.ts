import type { WooCommerceCatalogueContent, WooObject } from './catalogue.js';
import { wooCommerceProduct } from './fixtures.js';

/** A variation in the shape of WooCommerce's `GET /products/{id}/variations`. */
export function wooCommerceVariation(id: number, overrides: Record<string, unknown> = {}): WooObject {
  return {
    id,
    sku: '',
    global_unique_id: '',
    description: '',
    status: 'publish',
    price: '10.00',
    regular_price: '10.00',
    sale_price: '',
    on_sale: false,
    manage_stock: false,
    stock_quantity: null,
    stock_status: 'instock',
    attributes: [],
    date_created_gmt: '2026-01-10T09:00:00',
    date_modified_gmt: '2026-01-15T10:00:00',
    ...overrides,
  };
}

/** A customer in the shape of WooCommerce's `GET /customers`. */
export function wooCommerceCustomer(id: number, overrides: Record<string, unknown> = {}): WooObject {
  const { billing, ...rest } = overrides;
  return {
    id,
    email: `customer${id}@example.com`,
    first_name: '',
    last_name: '',
    role: 'customer',
    username: `customer${id}`,
    is_paying_customer: false,
    date_created_gmt: '2025-11-02T12:00:00',
    billing: {
      first_name: '',
      last_name: '',
      company: '',
      address_1: '',
      address_2: '',
      city: '',
      state: '',
      postcode: '',
      country: '',
      email: '',
      phone: '',
      ...(billing as Record<string, unknown> | undefined),
    },
    shipping: {},
    meta_data: [],
    ...rest,
  };
}

const category = (id: number, name: string, slug: string) => ({ id, name, slug });
// WordPress stores a term name's "&" as "&amp;", and the REST API answers it that way.
const COFFEE = category(15, 'Coffee', 'coffee');
const TEA = category(16, 'Tea', 'tea');
const GEAR = category(17, 'Brewing gear', 'brewing-gear');
const MUGS = category(18, 'Mugs &amp; Cups', 'mugs-cups');
const MERCH = category(19, 'Merch', 'merch');
const GIFTS = category(20, 'Gifts', 'gifts');

const price = (regular: string, sale = '') => ({
  price: sale || regular,
  regular_price: regular,
  sale_price: sale,
  on_sale: sale !== '',
});
const stock = (quantity: number | null) =>
  quantity === null
    ? { manage_stock: false, stock_quantity: null, stock_status: 'instock' }
    : { manage_stock: true, stock_quantity: quantity, stock_status: quantity > 0 ? 'instock' : 'outofstock' };

const HOUSE_BLEND = 201;
const option = (name: string, value: string, id = 0) => ({ id, name, option: value });

/**
 * The demo store's catalogue: a dozen products of a coffee shop with HTML descriptions, one
 * variable product (the house blend, by size and grind: one variation without a SKU of its own,
 * one on sale, one disabled), a product without a SKU, a draft, a grouped kit, and four customers.
 */
export function wooCommerceDemoCatalogue(): Required<WooCommerceCatalogueContent> {
  const product = (id: number, overrides: Record<string, unknown>) =>
    wooCommerceProduct(id, {
      description: '',
      short_description: '',
      global_unique_id: '',
      date_created_gmt: `2026-01-${String(id - 190).padStart(2, '0')}T09:00:00`,
      ...overrides,
    });
  const products = [
    product(HOUSE_BLEND, {
      name: 'House blend coffee beans',
      type: 'variable',
      sku: 'HOUSE',
      ...price('14.00'),
      ...stock(null),
      categories: [COFFEE],
      description:
        '<p>Our <strong>house blend</strong>: milk chocolate, hazelnut and a little cherry.</p>\n<ul>\n<li>Roasted every Monday</li>\n<li>Medium roast</li>\n</ul>',
      attributes: [
        { id: 1, name: 'Size', options: ['250 g', '1 kg'], variation: true },
        { id: 0, name: 'Grind', options: ['Whole bean', 'Espresso'], variation: true },
      ],
    }),
    product(202, {
      name: 'Ethiopia Yirgacheffe 250 g',
      sku: 'SO-ETH-250',
      global_unique_id: '4006381333931',
      ...price('16.50'),
      ...stock(24),
      categories: [COFFEE],
      description: '<p>Single origin, washed. <em>Jasmine, bergamot &amp; lemon.</em></p>',
    }),
    product(203, {
      name: 'Decaf Colombia 250 g',
      sku: 'DECAF-250',
      ...price('15.00'),
      ...stock(12),
      categories: [COFFEE],
      description: '<p>Sugar-cane decaf: all the taste, none of the jitters.</p>',
    }),
    product(204, {
      name: 'Earl Grey loose leaf tea 100 g',
      sku: 'TEA-EARL-100',
      ...price('9.50'),
      ...stock(30),
      categories: [TEA],
      short_description: '<p>Black tea with bergamot oil.</p>',
    }),
    product(205, {
      name: 'Ceremonial matcha 30 g',
      sku: 'TEA-MATCHA-30',
      ...price('18.00', '15.00'),
      ...stock(9),
      categories: [TEA],
      description: '<p>Stone-ground in Uji.<br>Whisk with water at 80&nbsp;°C.</p>',
    }),
    product(206, {
      name: 'Ceramic mug 350 ml',
      sku: 'MUG-350',
      global_unique_id: '5012345678900',
      ...price('12.50'),
      ...stock(40),
      categories: [MUGS, MERCH],
      description: '<p>Hand-glazed stoneware. Dishwasher safe.</p>',
    }),
    product(207, {
      name: 'Insulated travel tumbler',
      sku: 'TUMBLER-1',
      ...price('24.00'),
      ...stock(0),
      categories: [MUGS],
    }),
    product(208, {
      name: 'Pour-over kettle',
      sku: 'KETTLE-1',
      ...price('45.00'),
      ...stock(5),
      categories: [GEAR],
      description: '<h3>Gooseneck</h3>\n<p>0.9 l &#8211; for a steady, slow pour.</p>',
    }),
    product(209, {
      name: 'Paper filters (100)',
      sku: 'FILTER-100',
      ...price('6.00'),
      ...stock(120),
      categories: [GEAR],
    }),
    product(210, {
      name: 'Hand grinder',
      sku: 'GRINDER-H',
      ...price('59.00'),
      ...stock(-2),
      backorders: 'notify',
      stock_status: 'onbackorder',
      categories: [GEAR],
      description: '<p>Steel burrs, 40 click settings.</p><script>trackView()</script>',
    }),
    product(211, {
      name: 'Gift card $25',
      sku: 'GIFT-25',
      virtual: true,
      ...price('25.00'),
      ...stock(null),
      categories: [GIFTS],
    }),
    product(212, {
      name: 'Canvas tote bag',
      sku: '',
      ...price('15.00'),
      ...stock(null),
      categories: [MERCH],
      description: '<p>Organic cotton, with our logo.</p>',
    }),
    product(213, {
      name: 'Barista workshop ticket',
      sku: 'WORKSHOP',
      ...price('35.00'),
      ...stock(8),
      categories: [GIFTS],
      description: '<p>Saturday mornings, two hours, up to eight people.</p>',
    }),
    product(214, {
      name: 'Holiday blend (coming soon)',
      status: 'draft',
      sku: 'HOLIDAY-250',
      ...price('17.00'),
      ...stock(null),
      categories: [COFFEE],
    }),
    product(215, {
      name: 'Brewing starter kit',
      type: 'grouped',
      sku: 'KIT-START',
      ...price(''),
      ...stock(null),
      grouped_products: [208, 209],
      categories: [GEAR],
    }),
  ];
  const variation = (id: number, size: string, grind: string, overrides: Record<string, unknown>) =>
    wooCommerceVariation(id, { attributes: [option('Size', size, 1), option('Grind', grind)], ...overrides });
  const variations = {
    [HOUSE_BLEND]: [
      variation(301, '250 g', 'Whole bean', { sku: 'HOUSE-250-WB', ...price('14.00'), ...stock(18) }),
      variation(302, '250 g', 'Espresso', {
        ...price('14.00'),
        description: '<p>Ground fine for <strong>espresso</strong> machines.</p>',
      }),
      variation(303, '1 kg', 'Whole bean', {
        sku: 'HOUSE-1KG-WB',
        global_unique_id: '4012345000017',
        ...price('42.00', '38.00'),
        ...stock(6),
      }),
      variation(304, '1 kg', 'Espresso', { sku: 'HOUSE-1KG-ES', status: 'private', ...price('42.00') }),
    ],
  };
  const customers = [
    wooCommerceCustomer(11, {
      email: 'ada.lovelace@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      is_paying_customer: true,
      billing: {
        first_name: 'Ada',
        last_name: 'Lovelace',
        address_1: '12 St James Square',
        city: 'London',
        postcode: 'SW1Y 4JH',
        country: 'GB',
        email: 'ada.lovelace@example.com',
        phone: '+44 20 7946 0001',
      },
    }),
    wooCommerceCustomer(12, {
      email: 'grace@hopper.example',
      first_name: 'Grace',
      last_name: 'Hopper',
      billing: {
        company: 'Hopper Roasters LLC',
        address_1: '100 Main St',
        address_2: 'Suite 4',
        city: 'Arlington',
        state: 'VA',
        postcode: '22201',
        country: 'US',
        phone: '(703) 555-0142',
      },
    }),
    wooCommerceCustomer(13, {
      email: 'kenji@example.jp',
      username: 'kenji.s',
      billing: { first_name: 'Kenji', last_name: 'Sato', city: 'Kyoto', country: 'JP' },
    }),
    wooCommerceCustomer(14, { email: 'mo@example.org', username: 'mo_regular' }),
  ];
  return { products, variations, customers };
}

const ADJECTIVES = ['Classic', 'Organic', 'Smoky', 'Bright', 'Velvet', 'Golden', 'Wild', 'Roasted', 'Spiced', 'Fresh'];
const NOUNS = ['espresso', 'filter roast', 'oolong', 'chai', 'mug', 'grinder', 'cookie', 'croissant', 'tote', 'scarf'];
const CATEGORIES = [COFFEE, TEA, GEAR, MUGS, MERCH, GIFTS];
/** Every this many products, one is variable with two variations (small and large). */
const VARIABLE_EVERY = 20;

/**
 * A store of `count` sellable rows, deterministic: the same `count` always gives the same
 * products, prices and SKUs (`GEN-000001`, variations `GEN-000020-S`/`-L`). Every twentieth
 * product is variable with two variations; a third of the products count stock. Returns the
 * content and the SKUs an import must produce, in id order.
 */
export function wooCommerceGeneratedCatalogue(count: number): {
  content: Required<Omit<WooCommerceCatalogueContent, 'customers'>>;
  skus: string[];
} {
  const products: WooObject[] = [];
  const variations: Record<number, WooObject[]> = {};
  const skus: string[] = [];
  let id = 1000;
  for (let index = 1; skus.length < count; index++) {
    const sku = `GEN-${String(index).padStart(6, '0')}`;
    const name = `${ADJECTIVES[index % ADJECTIVES.length]} ${NOUNS[Math.floor(index / 10) % NOUNS.length]} ${index}`;
    const cents = 150 + ((index * 7919) % 9850);
    const regular = (cents / 100).toFixed(2);
    const counted = index % 3 === 0 ? stock((index * 31) % 200) : stock(null);
    const base = {
      name,
      sku,
      categories: [CATEGORIES[index % CATEGORIES.length]],
      description: `<p>${name}, <strong>batch ${index}</strong>.</p>`,
      global_unique_id: index % 4 === 0 ? `20${String(index).padStart(11, '0')}` : '',
      date_created_gmt: new Date(Date.UTC(2025, 0, 1) + index * 60_000).toISOString().slice(0, 19),
    };
    id += 1;
    if (index % VARIABLE_EVERY === 0 && count - skus.length >= 2) {
      const parent = id;
      products.push(wooCommerceProduct(parent, { ...base, type: 'variable', ...price(regular), ...stock(null) }));
      variations[parent] = ['S', 'L'].map((size, offset) => {
        id += 1;
        skus.push(`${sku}-${size}`);
        return wooCommerceVariation(id, {
          sku: `${sku}-${size}`,
          attributes: [option('Size', size === 'S' ? 'Small' : 'Large')],
          ...price((cents / 100 + offset).toFixed(2)),
          ...counted,
        });
      });
    } else {
      products.push(wooCommerceProduct(id, { ...base, ...price(regular), ...counted }));
      skus.push(sku);
    }
  }
  return { content: { products, variations }, skus };
}

/** `count` customers, deterministic (`gen.customer.1@example.com`…); returns them and their emails. */
export function wooCommerceGeneratedCustomers(count: number): WooObject[] {
  return Array.from({ length: count }, (_, index) =>
    wooCommerceCustomer(5000 + index, {
      email: `gen.customer.${index + 1}@example.com`,
      first_name: `Customer`,
      last_name: String(index + 1).padStart(5, '0'),
      billing: { phone: `+1 555 01${String(index % 100).padStart(2, '0')}`, city: 'Springfield', country: 'US' },
    }),
  );
}
