// Just what the push tests use of http_ece (no published types) and of workerd's node:crypto / node:buffer
// (nodejs_compat): the worker project has no @types/node, on purpose, so Worker code cannot reach for Node.
declare module "http_ece" {
  type Ecdh = { getPublicKey(): Uint8Array; computeSecret(key: Uint8Array): Uint8Array };
  const ece: {
    decrypt(
      buffer: Uint8Array,
      params: { version: "aes128gcm"; privateKey: Ecdh; authSecret: Uint8Array },
    ): Uint8Array;
  };
  export default ece;
}

declare module "node:crypto" {
  export function createECDH(curve: "prime256v1"): {
    generateKeys(): void;
    getPublicKey(): Uint8Array;
    computeSecret(key: Uint8Array): Uint8Array;
  };
}

declare module "node:buffer" {
  export const Buffer: {
    from(data: Uint8Array): Uint8Array & { toString(encoding?: "utf8" | "base64url"): string };
  };
}
