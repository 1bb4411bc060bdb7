// pako 1.x ships no types; this is the part pdf-lib and JSZip use (see zlib-pako.ts).
declare module "pako" {
  interface PakoStream {
    push(data: Uint8Array | ArrayBuffer | number[], final: boolean): boolean;
    onData: (data: Uint8Array) => void;
    err: number;
    msg: string;
  }
  interface Pako {
    deflate(data: Uint8Array | ArrayBuffer | string, options?: unknown): Uint8Array;
    inflate(data: Uint8Array | ArrayBuffer, options?: unknown): Uint8Array;
    Deflate: new (options?: { raw?: boolean; level?: number }) => PakoStream;
    Inflate: new (options?: { raw?: boolean }) => PakoStream;
  }
  const pako: Pako;
  export default pako;
}
