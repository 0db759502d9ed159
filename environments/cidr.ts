import * as ipaddr from "ipaddr.js";

/** A parsed IPv4 CIDR block. */
export interface Cidr {
  readonly text: string;
  readonly address: ipaddr.IPv4;
  readonly prefix: number;
}

/**
 * Parses "a.b.c.d/n" strictly: four decimal octets, a prefix in [minPrefix, maxPrefix] and no host
 * bits set (10.0.1.5/24 is rejected: it means 10.0.1.0/24 and is almost always a typo).
 * Returns undefined when the text is not such a block.
 */
export function parseCidr(text: string, minPrefix = 0, maxPrefix = 32): Cidr | undefined {
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  if (!match || !ipaddr.IPv4.isValidFourPartDecimal(match[1])) return undefined;
  const prefix = Number(match[2]);
  if (prefix < minPrefix || prefix > maxPrefix) return undefined;
  const address = ipaddr.IPv4.parse(match[1]);
  if (ipaddr.IPv4.networkAddressFromCIDR(text).toString() !== address.toString()) return undefined;
  return { text, address, prefix };
}

/** True when `inner` lies entirely within `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.address.match(outer.address, outer.prefix);
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
