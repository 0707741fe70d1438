import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { DigestSigner } from '../ports/digest-signer';

/** Signs digests with a P-256 private key held in the process (development and the local stack). */
export class LocalDigestSigner implements DigestSigner {
  readonly algorithm = 'ECDSA_P256_SHA256';
  readonly #privateKey: KeyObject;

  /** @param privateKeyPem a PKCS#8 PEM P-256 private key, as `generateSigningKeyPem` writes. */
  constructor(
    privateKeyPem: string,
    readonly keyId = 'local',
  ) {
    this.#privateKey = createPrivateKey(privateKeyPem);
    if (this.#privateKey.asymmetricKeyType !== 'ec' || this.#privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error(`the digest signing key must be an EC P-256 private key, got ${this.#privateKey.asymmetricKeyType} ${this.#privateKey.asymmetricKeyDetails?.namedCurve ?? ''}`.trim());
    }
  }

  async sign(message: Uint8Array): Promise<Buffer> {
    return sign('sha256', message, { key: this.#privateKey, dsaEncoding: 'der' });
  }

  async publicKeyPem(): Promise<string> {
    return createPublicKey(this.#privateKey).export({ type: 'spki', format: 'pem' }).toString();
  }
}

/** A new P-256 private key, PKCS#8 PEM, for the development secrets. */
export function generateSigningKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
}
