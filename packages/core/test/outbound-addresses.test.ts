import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAddress, isPublicAddress } from '../src/connector.js';

describe('the address classifier', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'reserved'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.254', 'shared'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['::127.0.0.1', 'reserved'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'reserved'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['2002:7f00:1::', 'reserved'],
    ['fbff::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['localhost', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '169.253.255.255',
    '192.169.0.1',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4009:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toBe('public');
  });

  // An independent oracle: Node's BlockList, loaded with the ranges the guard documents.
  const refusedV4 = new BlockList();
  for (const [network, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.88.99.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const) {
    refusedV4.addSubnet(network, prefix, 'ipv4');
  }
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
  const hex = (ip: string) => {
    const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
    return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  };

  it('refuses exactly the IPv4 addresses in the documented ranges, in every IPv6 spelling too', () => {
    fc.assert(
      fc.property(ipv4, (ip) => {
        const refused = refusedV4.check(ip, 'ipv4');
        expect(isPublicAddress(ip)).toBe(!refused);
        // IPv4-mapped, dotted and hex, and NAT64: judged by the IPv4 address they carry.
        expect(classifyAddress(`::ffff:${ip}`)).toBe(classifyAddress(ip));
        expect(classifyAddress(`::ffff:${hex(ip)}`)).toBe(classifyAddress(ip));
        expect(classifyAddress(`64:ff9b::${hex(ip)}`)).toBe(classifyAddress(ip));
        // WHATWG URL's normalisation of odd spellings (`127.1`, a decimal number) changes nothing.
        const numeric = ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
        expect(classifyAddress(new URL(`http://${numeric}/`).hostname)).toBe(classifyAddress(ip));
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses every address of the private, link-local and multicast IPv6 ranges', () => {
    const group = fc.nat(0xffff).map((word) => word.toString(16));
    const rest = fc.array(group, { minLength: 7, maxLength: 7 });
    fc.assert(
      fc.property(fc.nat(0x1ff), fc.nat(0x3f), fc.nat(0xff), rest, (ula, linkLocal, multicast, tail) => {
        expect(classifyAddress([(0xfc00 | ula).toString(16), ...tail].join(':'))).toBe('unique-local');
        expect(classifyAddress([(0xfe80 | linkLocal).toString(16), ...tail].join(':'))).toBe('link-local');
        expect(classifyAddress([(0xff00 | multicast).toString(16), ...tail].join(':'))).toBe('multicast');
      }),
    );
  });
});
