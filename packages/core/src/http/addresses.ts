import { isIPv4, isIPv6 } from 'node:net';

/** Why an address is not one a merchant's URL may point to; `public` when it may. */
export type AddressKind =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared'
  | 'unique-local'
  | 'multicast'
  | 'reserved';

interface Range {
  bytes: number[];
  bits: number;
  kind: Exclude<AddressKind, 'public'>;
}

/** IPv4 ranges that are not on the public internet (IANA special-purpose registry). */
const IPV4_RANGES: Range[] = [
  { bytes: [0, 0, 0, 0], bits: 32, kind: 'unspecified' },
  { bytes: [0, 0, 0, 0], bits: 8, kind: 'reserved' }, // "this network"
  { bytes: [10, 0, 0, 0], bits: 8, kind: 'private' },
  { bytes: [100, 64, 0, 0], bits: 10, kind: 'shared' }, // carrier-grade NAT
  { bytes: [127, 0, 0, 0], bits: 8, kind: 'loopback' },
  { bytes: [169, 254, 0, 0], bits: 16, kind: 'link-local' }, // includes 169.254.169.254, cloud metadata
  { bytes: [172, 16, 0, 0], bits: 12, kind: 'private' },
  { bytes: [192, 0, 0, 0], bits: 24, kind: 'reserved' }, // IETF protocol assignments
  { bytes: [192, 0, 2, 0], bits: 24, kind: 'reserved' }, // documentation
  { bytes: [192, 88, 99, 0], bits: 24, kind: 'reserved' }, // 6to4 relay anycast
  { bytes: [192, 168, 0, 0], bits: 16, kind: 'private' },
  { bytes: [198, 18, 0, 0], bits: 15, kind: 'reserved' }, // benchmarking
  { bytes: [198, 51, 100, 0], bits: 24, kind: 'reserved' }, // documentation
  { bytes: [203, 0, 113, 0], bits: 24, kind: 'reserved' }, // documentation
  { bytes: [224, 0, 0, 0], bits: 4, kind: 'multicast' },
  { bytes: [240, 0, 0, 0], bits: 4, kind: 'reserved' }, // future use and 255.255.255.255 broadcast
];

const v6 = (head: number[], bits: number, kind: Range['kind']): Range => ({
  bytes: [...head, ...new Array<number>(16 - head.length).fill(0)],
  bits,
  kind,
});

/**
 * IPv6 ranges that are not on the public internet, besides everything outside 2000::/3. IPv4-mapped (`::ffff:0:0/96`) and NAT64
 * (`64:ff9b::/96`) addresses are judged by the IPv4 address they carry, before this list.
 */
const IPV6_RANGES: Range[] = [
  v6([], 128, 'unspecified'),
  { bytes: [...new Array<number>(15).fill(0), 1], bits: 128, kind: 'loopback' },
  v6([], 96, 'reserved'), // IPv4-compatible (deprecated)
  v6([0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48, 'reserved'), // local-use NAT64
  v6([0x01, 0x00], 64, 'reserved'), // discard-only
  v6([0x20, 0x01, 0x00], 23, 'reserved'), // IETF protocol assignments, Teredo
  v6([0x20, 0x01, 0x0d, 0xb8], 32, 'reserved'), // documentation
  v6([0x20, 0x02], 16, 'reserved'), // 6to4, which carries an IPv4 address
  v6([0x3f, 0xff], 20, 'reserved'), // documentation
  v6([0xfc], 7, 'unique-local'),
  v6([0xfe, 0x80], 10, 'link-local'),
  v6([0xfe, 0xc0], 10, 'reserved'), // site-local (deprecated)
  v6([0xff], 8, 'multicast'),
];

const GLOBAL_UNICAST: Range = v6([0x20], 3, 'reserved');
const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
const NAT64_PREFIX = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

function parseIPv4(text: string): number[] {
  return text.split('.').map(Number);
}

/** Sixteen bytes of an IPv6 address (a zone id such as `%eth0` is ignored). */
function parseIPv6(text: string): number[] {
  const address = text.split('%')[0] as string;
  let tail: number[] = [];
  let body = address;
  const dotted = address.lastIndexOf(':');
  if (address.includes('.', dotted)) {
    tail = parseIPv4(address.slice(dotted + 1));
    body = `${address.slice(0, dotted + 1)}0:0`;
  }
  const [head = '', rest] = body.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const left = groups(head);
  const right = groups(rest);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = words.flatMap((word) => [word >> 8, word & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function within(bytes: readonly number[], range: Range): boolean {
  for (let bit = 0; bit < range.bits; bit += 8) {
    const take = Math.min(8, range.bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    const index = bit / 8;
    if (((bytes[index] as number) & mask) !== ((range.bytes[index] as number) & mask)) return false;
  }
  return true;
}

function startsWith(bytes: readonly number[], prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

function classifyBytes(bytes: readonly number[]): AddressKind {
  if (bytes.length === 16 && (startsWith(bytes, MAPPED_PREFIX) || startsWith(bytes, NAT64_PREFIX))) {
    return classifyBytes(bytes.slice(12));
  }
  if (bytes.length === 4) return IPV4_RANGES.find((range) => within(bytes, range))?.kind ?? 'public';
  const kind = IPV6_RANGES.find((range) => within(bytes, range))?.kind;
  if (kind) return kind;
  // Only 2000::/3 is allocated as global unicast; the rest of the space is not on the internet.
  return within(bytes, GLOBAL_UNICAST) ? 'public' : 'reserved';
}

/**
 * What kind of address `ip` is: `public`, or the reason a merchant's URL may not point to it.
 * Anything that is not an IP address (a host name) is `reserved`: resolve it first.
 */
export function classifyAddress(ip: string): AddressKind {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (isIPv4(bare)) return classifyBytes(parseIPv4(bare));
  if (isIPv6(bare)) return classifyBytes(parseIPv6(bare));
  return 'reserved';
}

/** `true` for an IP address on the public internet. */
export function isPublicAddress(ip: string): boolean {
  return classifyAddress(ip) === 'public';
}

/** `10.0.0.1` is "a private address", `::1` "a loopback address", for messages. */
export function describeAddressKind(kind: Exclude<AddressKind, 'public'>): string {
  switch (kind) {
    case 'unspecified':
      return 'an unspecified address';
    case 'loopback':
      return 'a loopback address (this server itself)';
    case 'private':
      return 'a private network address';
    case 'link-local':
      return 'a link-local address (such as a cloud metadata service)';
    case 'shared':
      return 'a carrier-grade NAT address';
    case 'unique-local':
      return 'a private (unique local) IPv6 address';
    case 'multicast':
      return 'a multicast address';
    case 'reserved':
      return 'a reserved address';
  }
}
