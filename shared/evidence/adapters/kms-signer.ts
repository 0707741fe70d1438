import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { DigestSigner } from '../ports/digest-signer';

let kms: KMSClient | undefined;

/** The process-wide KMS client (module scope, reused across invocations). */
export function kmsClient(): KMSClient {
  kms ??= new KMSClient({});
  return kms;
}

/** Signs digests with a KMS asymmetric key (key spec ECC_NIST_P256, usage SIGN_VERIFY); the private key never leaves KMS. */
export class KmsDigestSigner implements DigestSigner {
  readonly algorithm = 'ECDSA_P256_SHA256';
  #publicKeyPem: Promise<string> | undefined;

  /** @param keyId the key's ARN, ID or alias; named in every digest it signs. */
  constructor(
    readonly keyId: string,
    private readonly client: KMSClient = kmsClient(),
  ) {}

  async sign(message: Uint8Array): Promise<Buffer> {
    // KMS takes at most 4 KB as a RAW message; sent as a DIGEST, the signature is the same ECDSA over SHA-256(message).
    const response = await this.client.send(
      new SignCommand({ KeyId: this.keyId, SigningAlgorithm: 'ECDSA_SHA_256', MessageType: 'DIGEST', Message: createHash('sha256').update(message).digest() }),
    );
    if (!response.Signature) throw new Error(`KMS returned no signature for key ${this.keyId}`);
    return Buffer.from(response.Signature);
  }

  publicKeyPem(): Promise<string> {
    this.#publicKeyPem ??= this.fetchPublicKeyPem().catch((error: unknown) => {
      // Not cached: the next call asks again.
      this.#publicKeyPem = undefined;
      throw error;
    });
    return this.#publicKeyPem;
  }

  private async fetchPublicKeyPem(): Promise<string> {
    const response = await this.client.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    if (!response.PublicKey) throw new Error(`KMS returned no public key for key ${this.keyId}`);
    if (response.KeySpec !== undefined && response.KeySpec !== 'ECC_NIST_P256') {
      throw new Error(`KMS key ${this.keyId} is ${response.KeySpec}; digests are signed with an ECC_NIST_P256 key`);
    }
    if (response.KeyUsage !== undefined && response.KeyUsage !== 'SIGN_VERIFY') {
      throw new Error(`KMS key ${this.keyId} has usage ${response.KeyUsage}; digests need SIGN_VERIFY`);
    }
    return createPublicKey({ key: Buffer.from(response.PublicKey), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
  }
}
