import { randomBytes } from 'node:crypto';

let lastMs = -1;
let sequence = 0;

/**
 * A UUIDv7: 48 bits of milliseconds, then a 12-bit sequence that grows within a millisecond,
 * then random bits. Ids sort in creation order, which breaks ties between batches created in the
 * same millisecond when listing newest first.
 */
export function timeOrderedId(now: Date): string {
  let ms = now.getTime();
  if (ms <= lastMs) {
    ms = lastMs;
    sequence += 1;
    if (sequence > 0xfff) {
      ms += 1;
      sequence = 0;
    }
  } else {
    sequence = 0;
  }
  lastMs = ms;
  const random = randomBytes(8);
  const time = ms.toString(16).padStart(12, '0');
  const variant = ((random[0] as number) & 0x3f) | 0x80;
  const tail = random.subarray(1).toString('hex').slice(0, 12);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${sequence.toString(16).padStart(3, '0')}-${variant.toString(16)}${random
    .subarray(7)
    .toString('hex')
    .slice(0, 2)}-${tail}`;
}

export const BATCH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
