/** Signs digests: a KMS asymmetric key on AWS, a local P-256 key in development. */
export interface DigestSigner {
  /** Named in each digest, so an auditor knows which public key to check it with. */
  readonly keyId: string;
  readonly algorithm: 'ECDSA_P256_SHA256';
  /** A DER-encoded ECDSA signature over SHA-256(message). */
  sign(message: Uint8Array): Promise<Buffer>;
  /** The public key, SPKI PEM. */
  publicKeyPem(): Promise<string>;
}
