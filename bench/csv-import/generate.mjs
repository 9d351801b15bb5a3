// Writes an N-row products CSV in our own format (≈116 bytes a row): one row in ten has a quoted
// description with a comma and a doubled quote, so the parser's quoted path is exercised too.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const CATEGORIES = ['Home & Garden', 'Beverages', 'Bakery', 'Apparel', 'Electronics', 'Toys'];
const ADJECTIVES = ['Ergonomic', 'Rustic', 'Organic', 'Sleek', 'Handmade', 'Refined', 'Fresh', 'Small'];
const NOUNS = ['Chair', 'Coffee', 'Croissant', 'T-Shirt', 'Cable', 'Puzzle', 'Mug', 'Soap'];

/** The numbers 1 … rows in an order that looks random and is the same every run (Fisher–Yates, a fixed seed). */
function shuffledOrder(rows) {
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i + 1;
  let seed = 0x2545f491;
  for (let i = rows - 1; i > 0; i--) {
    // xorshift32
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const j = (seed >>> 0) % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * `priceShift` adds that many cents to every price (a supplier's new price list for the same SKUs);
 * `shuffled` writes the same rows in a random order (real exports are not sorted by SKU).
 */
export async function generateProductsCsv(path, rows, { priceShift = 0, shuffled = false } = {}) {
  const out = createWriteStream(path);
  const order = shuffled ? shuffledOrder(rows) : undefined;
  let buffer = 'sku,name,price,currency,category,stock,barcode,description\n';
  for (let row = 1; row <= rows; row++) {
    const index = order ? order[row - 1] : row;
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
