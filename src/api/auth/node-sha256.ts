/** SHA-256 / HMAC-SHA-256 on node:crypto for @smithy/signature-v4 (the pure-JS default is several times slower). */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/** In the shape @smithy/signature-v4 expects (its Checksum interface). Used by the verifier, tests and benchmarks. */
export class NodeSha256 {
  private h: Hash | Hmac;
  private readonly key?: string | Buffer;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.key = secret === undefined || typeof secret === 'string' ? secret
      : ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret);
    this.h = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.key === undefined ? createHash('sha256') : createHmac('sha256', this.key);
  }
  update(data: Uint8Array | string): void {
    // (smithy passes Uint8Array / string)
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
  reset(): void {
    this.h = this.fresh();
  }
}
