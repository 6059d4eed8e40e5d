/** @module The sign-in throttle's per-client key: pure, so it is tested with a table of addresses. */

/**
 * The client's address as Cloudflare saw it (CF-Connecting-IP is set by the edge and cannot be forged past
 * it). An IPv6 client usually holds a whole /64, so it is counted by that prefix; without the header (local
 * development, tests) every request shares one counter.
 */
export function clientKey(header: string | undefined) {
  if (!header) return "ip:unknown";
  // The edge sets it; anywhere else a made-up header must not grow the table without bound.
  const ip = header.slice(0, 64);
  // An IPv4 address, or an IPv4-mapped IPv6 one (::ffff:1.2.3.4), is one client.
  if (!ip.includes(":") || ip.includes(".")) return `ip:${ip}`;
  const [head = "", tail = ""] = ip.split("::");
  const headParts = head.split(":").filter(Boolean);
  const tailParts = ip.includes("::") ? tail.split(":").filter(Boolean) : [];
  const groups = [
    ...headParts,
    ...Array<string>(Math.max(8 - headParts.length - tailParts.length, 0)).fill("0"),
    ...tailParts,
  ];
  const prefix = groups.slice(0, 4).map((g) => (Number.parseInt(g, 16) || 0).toString(16));
  return `ip:${prefix.join(":")}::/64`;
}
