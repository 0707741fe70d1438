import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateSigningKeyPem } from '../../shared/evidence/adapters/local-signer';
import { KmsDigestSigner } from '../../shared/evidence/adapters/kms-signer';
import { digestSigningBytes, signDigest, verifyDigestSignature } from '../../shared/evidence/digest';
import { sampleUnsignedDigest } from './fixtures';

// KMS has no local emulator: the mock answers as KMS would, with signatures of a local P-256 key.
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const privateKey = createPrivateKey(generateSigningKeyPem());
const publicKeyDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
const kms = mockClient(KMSClient);

/**
 * Node signs only messages it hashes itself, so the fake KMS looks up which known message the
 * digest it is handed belongs to: ECDSA over SHA-256(message) is what KMS signs for a DIGEST.
 */
const knownMessages = new Map<string, Buffer>();
function kmsSignatureOf(digest: Uint8Array): Uint8Array {
  const message = knownMessages.get(Buffer.from(digest).toString('hex'));
  if (!message) throw new Error('the fake KMS was sent a digest of no known message');
  return new Uint8Array(sign('sha256', message, { key: privateKey, dsaEncoding: 'der' }));
}
const expectSigning = (message: Buffer) => knownMessages.set(createHash('sha256').update(message).digest('hex'), message);

describe('KmsDigestSigner', () => {
  beforeEach(() => {
    kms.reset();
    kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
      KeyId: KEY_ARN,
      SigningAlgorithm: 'ECDSA_SHA_256',
      Signature: kmsSignatureOf(input.Message),
    }));
    kms.on(GetPublicKeyCommand).resolves({ KeyId: KEY_ARN, KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: new Uint8Array(publicKeyDer) });
  });

  it('sends KMS the SHA-256 of the signing bytes as a DIGEST, and the signature verifies with the key from GetPublicKey', async () => {
    const signer = new KmsDigestSigner(KEY_ARN, new KMSClient({ region: 'us-east-1' }));
    const unsigned = sampleUnsignedDigest();
    expectSigning(digestSigningBytes(unsigned));

    const digest = await signDigest(unsigned, signer);

    const calls = kms.commandCalls(SignCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({
      KeyId: KEY_ARN,
      SigningAlgorithm: 'ECDSA_SHA_256',
      MessageType: 'DIGEST',
      Message: createHash('sha256').update(digestSigningBytes(unsigned)).digest(),
    });
    expect(digest.signature).toMatchObject({ algorithm: 'ECDSA_P256_SHA256', keyId: KEY_ARN });
    const pem = await signer.publicKeyPem();
    expect(pem).toBe(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));
    expect(verifyDigestSignature(digest, pem)).toBe(true);
    expect(verifyDigestSignature({ ...digest, leaves: digest.leaves + 1 }, pem)).toBe(false);
  });

  it('asks KMS for the public key once', async () => {
    const signer = new KmsDigestSigner(KEY_ARN, new KMSClient({ region: 'us-east-1' }));
    await Promise.all([signer.publicKeyPem(), signer.publicKeyPem()]);
    await signer.publicKeyPem();
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
    expect(kms.commandCalls(GetPublicKeyCommand)[0].args[0].input).toEqual({ KeyId: KEY_ARN });
  });

  it('asks again after a failed GetPublicKey', async () => {
    kms.on(GetPublicKeyCommand).rejectsOnce(new Error('ThrottlingException')).resolves({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: new Uint8Array(publicKeyDer) });
    const signer = new KmsDigestSigner(KEY_ARN, new KMSClient({ region: 'us-east-1' }));
    await expect(signer.publicKeyPem()).rejects.toThrow(/Throttling/);
    await expect(signer.publicKeyPem()).resolves.toMatch(/BEGIN PUBLIC KEY/);
  });

  it('fails for a key that is not a P-256 signing key, or a response without a signature', async () => {
    kms.on(GetPublicKeyCommand).resolves({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: new Uint8Array(publicKeyDer) });
    await expect(new KmsDigestSigner(KEY_ARN, new KMSClient({ region: 'us-east-1' })).publicKeyPem()).rejects.toThrow(/RSA_2048.*ECC_NIST_P256/);
    kms.on(SignCommand).resolves({ KeyId: KEY_ARN });
    await expect(new KmsDigestSigner(KEY_ARN, new KMSClient({ region: 'us-east-1' })).sign(Buffer.from('x'))).rejects.toThrow(/no signature/);
  });
});
