import {
  changedAt,
  inStock,
  type SquareCatalogueContent,
  type SquareCategoryObject,
  type SquareCustomer,
  type SquareInventoryCount,
  type SquareItemObject,
  squareCategory,
  squareItem,
  type VariationSpec,
} from './catalogue-objects.js';

/** A location of the same seller that is not the connected one: its counts and items must not come in. */
export const SQUARE_OTHER_LOCATION_ID = 'L9OTHERSTORE1';

const customer = (id: string, fields: Omit<SquareCustomer, 'id' | 'created_at' | 'updated_at' | 'version'>) => ({
  id,
  created_at: changedAt(0),
  updated_at: changedAt(0),
  version: 1,
  ...fields,
});

/** A few regulars, one of them known only by their company and e-mail. */
export function squareCafeCustomers(): SquareCustomer[] {
  return [
    customer('JDKYHBWT1D4F8MFH63DBMEN8Y4', {
      given_name: 'Amelia',
      family_name: 'Earhart',
      email_address: 'amelia.earhart@example.com',
      phone_number: '+1-212-555-4240',
      address: {
        address_line_1: '500 Electric Ave',
        locality: 'New York',
        administrative_district_level_1: 'NY',
        postal_code: '10003',
        country: 'US',
      },
    }),
    customer('A9641GZW2H7Z56YYSD41Q12HDC', {
      given_name: 'Marcus',
      family_name: 'Lee',
      email_address: 'marcus.lee@example.com',
      phone_number: '+1-217-555-0142',
    }),
    customer('R4Q2WZ8XVJ3K9N5P7T6Y1M0B2C', {
      company_name: 'Springfield Printing Co.',
      email_address: 'orders@springfield-printing.example',
      address: {
        address_line_1: '42 Press Rd',
        locality: 'Springfield',
        administrative_district_level_1: 'IL',
        postal_code: '62702',
        country: 'US',
      },
    }),
    customer('H3N7QK2M8V4B6X1Z9C5T0R2W8Y', { given_name: 'Priya', family_name: 'Natarajan', nickname: 'Pri' }),
  ];
}

/**
 * A small café's catalogue as Square keeps it, counted at `locationId`: drinks made to order (no
 * inventory count), baked goods and retail with counts, an item whose description is only HTML,
 * an item whose only variation has no SKU, an item sold only at another location, and a deleted
 * item (which ListCatalog leaves out).
 */
export function squareCafeCatalogue(locationId: string, currency = 'USD'): SquareCatalogueContent {
  const categories = [
    squareCategory('CATCOFFEE0000000000000001', 'Coffee'),
    squareCategory('CATTEA0000000000000000002', 'Tea'),
    squareCategory('CATBAKERY0000000000000003', 'Bakery'),
    squareCategory('CATRETAIL0000000000000004', 'Retail'),
  ];
  const [coffee, tea, bakery, retail] = categories.map((category) => category.id) as [string, string, string, string];
  const item = (
    id: string,
    name: string,
    category: string,
    variations: Array<[id: string, name: string, sku: string | undefined, cents: number, upc?: string]>,
    description?: { text?: string; html?: string },
  ) =>
    squareItem({
      id,
      name,
      currency,
      categoryIds: [category],
      ...(description?.text ? { description: description.text } : {}),
      ...(description?.html ? { descriptionHtml: description.html } : {}),
      variations: variations.map(([variationId, variationName, sku, amount, upc]) => ({
        id: variationId,
        name: variationName,
        amount,
        ...(sku ? { sku } : {}),
        ...(upc ? { upc } : {}),
      })),
    });
  const items: SquareItemObject[] = [
    item(
      'ITLATTE000000000000000001',
      'Latte',
      coffee,
      [
        ['VRLATTES00000000000000001', 'Small', 'CAF-LAT-S', 375],
        ['VRLATTEM00000000000000002', 'Medium', 'CAF-LAT-M', 425],
        ['VRLATTEL00000000000000003', 'Large', 'CAF-LAT-L', 475],
      ],
      { text: 'Double espresso and steamed milk.' },
    ),
    item('ITESPRESSO000000000000002', 'Espresso', coffee, [['VRESPRESSO000000000000004', 'Regular', 'CAF-ESP', 295]]),
    item('ITCAPPUCCINO0000000000003', 'Cappuccino', coffee, [
      ['VRCAPPS000000000000000005', 'Small', 'CAF-CAP-S', 395],
      ['VRCAPPL000000000000000006', 'Large', 'CAF-CAP-L', 455],
    ]),
    item('ITCOLDBREW00000000000004', 'Cold Brew', coffee, [['VRCOLDBREW00000000000007', 'Regular', 'CAF-CLD', 450]], {
      html: '<p>Steeped for <strong>18 hours</strong> &amp; served over ice.</p>',
    }),
    item('ITCHAI0000000000000000005', 'Chai Latte', tea, [['VRCHAI0000000000000000008', 'Regular', 'TEA-CHAI', 425]]),
    item('ITMATCHA00000000000000006', 'Matcha Latte', tea, [['VRMATCHA00000000000000009', 'Regular', 'TEA-MAT', 495]]),
    item(
      'ITCROISSANT0000000000007',
      'Butter Croissant',
      bakery,
      [['VRCROISSANT0000000000010', 'Regular', 'BAK-CRO', 325, '036000291452']],
      { text: 'Laminated by hand every morning.' },
    ),
    item('ITMUFFIN00000000000000008', 'Blueberry Muffin', bakery, [
      ['VRMUFFIN00000000000000011', 'Regular', 'BAK-MUF', 350],
    ]),
    item('ITBISCOTTI0000000000000009', 'Almond Biscotti', bakery, [
      ['VRBISCOTTI0000000000000012', 'Regular', undefined, 225],
    ]),
    item(
      'ITBEANS000000000000000010',
      'House Blend Beans 12 oz',
      retail,
      [
        ['VRBEANSWHOLE000000000013', 'Whole Bean', 'RET-HB-WB', 1599, '850001234567'],
        ['VRBEANSGROUND00000000014', 'Ground', 'RET-HB-GR', 1599, '850001234574'],
      ],
      { text: 'Chocolate, toasted almond and a bright cherry finish.' },
    ),
    item('ITMUG0000000000000000011', 'Ceramic Mug', retail, [
      ['VRMUG0000000000000000015', 'Regular', 'RET-MUG', 1400, '850001234581'],
    ]),
    item('ITTEATIN0000000000000012', 'Earl Grey Tin', tea, [
      ['VRTEATIN0000000000000016', 'Regular', 'TEA-EG-TIN', 1250],
    ]),
  ];
  const seasonal = item('ITPUMPKIN0000000000000013', 'Pumpkin Loaf', bakery, [
    ['VRPUMPKIN0000000000000017', 'Regular', 'BAK-PUMP', 375],
  ]);
  seasonal.present_at_all_locations = false;
  seasonal.present_at_location_ids = [SQUARE_OTHER_LOCATION_ID];
  const bagel = item('ITBAGEL00000000000000014', 'Day-old Bagel', bakery, [
    ['VRBAGEL00000000000000018', 'Regular', 'BAK-BAGEL', 150],
  ]);
  bagel.is_deleted = true;
  for (const variation of bagel.item_data.variations) variation.is_deleted = true;
  const counts: SquareInventoryCount[] = [
    inStock('VRCROISSANT0000000000010', locationId, '24'),
    inStock('VRMUFFIN00000000000000011', locationId, '18'),
    inStock('VRBISCOTTI0000000000000012', locationId, '12'),
    inStock('VRBEANSWHOLE000000000013', locationId, '40'),
    inStock('VRBEANSGROUND00000000014', locationId, '35'),
    inStock('VRMUG0000000000000000015', locationId, '9'),
    inStock('VRTEATIN0000000000000016', locationId, '0'),
    { ...inStock('VRCROISSANT0000000000010', locationId, '3'), state: 'WASTE' },
    inStock('VRCROISSANT0000000000010', SQUARE_OTHER_LOCATION_ID, '6'),
    inStock('VRPUMPKIN0000000000000017', SQUARE_OTHER_LOCATION_ID, '10'),
  ];
  return { objects: [...categories, ...items, seasonal, bagel], counts, customers: squareCafeCustomers() };
}

const GENERATED_CATEGORIES = ['Coffee', 'Tea', 'Bakery', 'Sandwiches', 'Snacks', 'Retail', 'Merchandise', 'Seasonal'];

/** The SKU of the `n`th generated variation (0-based). */
export const generatedSku = (n: number) => `SQ-${String(n + 1).padStart(6, '0')}`;
const generatedId = (prefix: string, n: number) => `${prefix}${n.toString(36).toUpperCase().padStart(22, '0')}`;

/**
 * `count` variations, deterministic: items of one variation, every fifth item with two ("Small"
 * and "Large"), eight categories, prices from 1.00 to 49.99, and an IN_STOCK count at
 * `locationId` for all but every tenth variation. Plain loops, so 100,000 variations build in a
 * fraction of a second.
 */
export function generatedSquareCatalogue(
  count: number,
  locationId: string,
  currency = 'USD',
): SquareCatalogueContent & { skus: string[] } {
  const categories: SquareCategoryObject[] = GENERATED_CATEGORIES.map((name, index) =>
    squareCategory(generatedId('GC', index), name),
  );
  const objects: SquareCatalogueContent['objects'] = [...categories];
  const counts: SquareInventoryCount[] = [];
  const skus: string[] = [];
  let n = 0;
  for (let index = 0; n < count; index++) {
    const names = index % 5 === 4 && n + 1 < count ? ['Small', 'Large'] : ['Regular'];
    const category = categories[index % categories.length] as SquareCategoryObject;
    const variations: VariationSpec[] = [];
    for (const name of names) {
      const variation = { id: generatedId('GV', n), name, sku: generatedSku(n), amount: 100 + ((n * 7919) % 4900) };
      if (n % 10 !== 9) counts.push(inStock(variation.id, locationId, String((n * 31) % 120)));
      skus.push(variation.sku);
      variations.push(variation);
      n++;
    }
    objects.push(
      squareItem({
        id: generatedId('GI', index),
        name: `${category.category_data.name} item ${index + 1}`,
        currency,
        categoryIds: [category.id],
        variations,
      }),
    );
  }
  return { objects, counts, customers: [], skus };
}

/** `count` customers, deterministic, each with a name, a distinct e-mail and a phone number. */
export function generatedSquareCustomers(count: number): SquareCustomer[] {
  const customers: SquareCustomer[] = [];
  for (let n = 0; n < count; n++) {
    customers.push(
      customer(generatedId('GK', n), {
        given_name: 'Guest',
        family_name: `Number ${n + 1}`,
        email_address: `guest${n + 1}@example.com`,
        phone_number: `+1-555-${String(n % 10_000).padStart(4, '0')}`,
      }),
    );
  }
  return customers;
}
