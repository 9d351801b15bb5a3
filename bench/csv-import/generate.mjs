// Writes an N-row products CSV in our own format (≈116 bytes a row): one row in ten has a quoted
// description with a comma and a doubled quote, so the parser's quoted path is exercised too.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const CATEGORIES = ['Home & Garden', 'Beverages', 'Bakery', 'Apparel', 'Electronics', 'Toys'];
const ADJECTIVES = ['Ergonomic', 'Rustic', 'Organic', 'Sleek', 'Handmade', 'Refined', 'Fresh', 'Small'];
const NOUNS = ['Chair', 'Coffee', 'Croissant', 'T-Shirt', 'Cable', 'Puzzle', 'Mug', 'Soap'];

/** `priceShift` adds that many cents to every price (a supplier's new price list for the same SKUs). */
export async function generateProductsCsv(path, rows, { priceShift = 0 } = {}) {
  const out = createWriteStream(path);
  let buffer = 'sku,name,price,currency,category,stock,barcode,description\n';
  for (let index = 1; index <= rows; index++) {
    const name = `${ADJECTIVES[index % 8]} ${NOUNS[(index * 7) % 8]} ${index}`;
    const cents = ((index * 37) % 500) * 100 + ((index * 13) % 100) + priceShift;
    const price = `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    const description =
      index % 10 === 0
        ? '"Soft, durable and ""ready"" for daily use"'
        : 'Soft and durable for daily use at the counter';
    buffer += `SKU-${String(index).padStart(7, '0')},${name},${price},USD,${CATEGORIES[index % 6]},${index % 250},${4006381333931 + index},${description}\n`;
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}
