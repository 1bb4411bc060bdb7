// pako 1.x ships no types; this is the part pdf-lib uses (see native-deflate.ts).
declare module "pako" {
  interface Pako {
    deflate(data: Uint8Array | ArrayBuffer | string, options?: unknown): Uint8Array;
    inflate(data: Uint8Array | ArrayBuffer, options?: unknown): Uint8Array;
  }
  const pako: Pako;
  export default pako;
}
