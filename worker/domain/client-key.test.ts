import { describe, it } from "vitest";
import { clientKey } from "./client-key";

describe("clientKey", () => {
  it.for([
    [undefined, "ip:unknown"],
    ["", "ip:unknown"],
    ["203.0.113.9", "ip:203.0.113.9"],
    ["::ffff:203.0.113.9", "ip:::ffff:203.0.113.9"],
    ["2001:db8:1:2::1", "ip:2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd", "ip:2001:db8:1:2::/64"],
    ["2001:db8::1", "ip:2001:db8:0:0::/64"],
    ["::1", "ip:0:0:0:0::/64"],
    ["x".repeat(500), `ip:${"x".repeat(64)}`],
  ] as const)("%s -> %s", ([header, key], { expect }) => {
    expect(clientKey(header)).toBe(key);
  });
});
