/**
 * The AWS adapter of the signing key: an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY). The key
 * never leaves KMS; only the publisher's role may call kms:Sign on it (infra/constructs/
 * gazette-signing.ts). The message is hashed here and sent as a DIGEST, so any size can be signed.
 */
import { GetPublicKeyCommand, KMSClient, SignCommand } from "@aws-sdk/client-kms";
import { type SigningKey, sha256 } from "./key.js";

export class KmsSigningKey implements SigningKey {
  readonly algorithm = "ES256" as const;
  private spki: Promise<Uint8Array> | undefined;

  constructor(
    readonly keyId: string,
    private readonly client: Pick<KMSClient, "send"> = new KMSClient({}),
  ) {}

  publicKey(): Promise<Uint8Array> {
    this.spki ??= this.client.send(new GetPublicKeyCommand({ KeyId: this.keyId })).then((out) => {
      if (out.KeySpec !== "ECC_NIST_P256" || out.KeyUsage !== "SIGN_VERIFY" || !out.PublicKey) {
        throw new Error(`KMS key ${this.keyId} is not an ECC_NIST_P256 SIGN_VERIFY key`);
      }
      return out.PublicKey;
    });
    this.spki.catch(() => {
      this.spki = undefined;
    });
    return this.spki;
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    const out = await this.client.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: sha256(data),
        MessageType: "DIGEST",
        SigningAlgorithm: "ECDSA_SHA_256",
      }),
    );
    if (!out.Signature) throw new Error(`KMS returned no signature for ${this.keyId}`);
    return out.Signature;
  }
}
