/** A valid `products` row as an entity sink stores it (price in minor units), for storage tests. */
export function productRow(sku: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sku,
    name: 'Apron',
    price: 950,
    currency: 'USD',
    category: null,
    stock: 3,
    barcode: null,
    description: null,
    ...overrides,
  };
}
