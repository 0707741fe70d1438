import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tableAuditLog } from '../../shared/evidence/adapters/audit-log';
import { DirectoryEvidenceBucket } from '../../shared/evidence/adapters/directory-evidence-bucket';
import { KmsDigestSigner } from '../../shared/evidence/adapters/kms-signer';
import { LocalDigestSigner } from '../../shared/evidence/adapters/local-signer';
import { SealedAuditLog } from '../../shared/evidence/adapters/sealed-audit-log';
import type { Digest } from '../../shared/evidence/digest';
import type { DigestSigner } from '../../shared/evidence/ports/digest-signer';
import { checkProof } from '../../shared/evidence/proof';
import { ProofUnavailableError, proveMessage } from '../../shared/evidence/prove';
import { type SealResult, sealDigest } from '../../shared/evidence/seal';
import { type VerifyReport, verifyEvidence } from '../../shared/evidence/verify';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import { storedEvidenceSigningKey } from '../../local/dev-secrets';
import { withSealLock } from '../../local/seal-lock';
import { CliError, UsageError } from '../errors';
import { invokeStageFunction } from '../lambda';
import { progressBar } from '../progress';
import { stageOutputs, type Target } from '../target';

/*
 * `vigia evidence seal | public-key | verify | prove | check` (docs/evidence.md). Locally the
 * digests are signed with the development key (dev-secrets.json); on a stage with the KMS key.
 */

/** The key that signs the target's digests: the local development key, or the stage's KMS key. */
async function signerOf(target: Target): Promise<DigestSigner> {
  if (target.local) {
    const key = storedEvidenceSigningKey(target.local.dataDir);
    if (!key) throw new CliError(`the local stack in ${target.local.dataDir} has no evidence signing key yet: start it once (npm start), or set VIGIA_EVIDENCE_SIGNING_KEY as it had it`);
    return new LocalDigestSigner(key);
  }
  const outputs = await stageOutputs(target.stage!);
  const keyArn = outputs.EvidenceSigningKeyArn;
  if (!keyArn) throw new CliError(`stage ${target.stage} has no EvidenceSigningKeyArn output; deploy this version of Vigia (cdk deploy --all -c stage=${target.stage})`);
  return new KmsDigestSigner(keyArn);
}

/** `vigia evidence seal`: one digest now — in this process against the local stack, or by invoking the stage's seal function. */
export async function evidenceSeal(target: Target, out: (line: string) => void): Promise<void> {
  if (target.local) {
    const { dataDir } = target.local;
    const signer = await signerOf(target);
    // Never beside the stack's own hourly seal (local/seal-lock.ts).
    out(sealLine(await withSealLock(dataDir, () => sealDigest({ bucket: target.evidence, audit: tableAuditLog(target.privacy), signer, stage: 'local' }))));
    return;
  }
  const functionName = (await stageOutputs(target.stage!)).EvidenceSealFunctionName;
  if (!functionName) throw new CliError(`stage ${target.stage} has no EvidenceSealFunctionName output; deploy this version of Vigia (cdk deploy --all -c stage=${target.stage})`);
  const { answer, text } = await invokeStageFunction(functionName, {}, 'the seal function');
  const payload = (answer ?? {}) as Record<string, unknown>;
  if (typeof payload.sealed !== 'boolean') throw new CliError(`the seal function ${functionName} returned no summary: ${text.slice(0, 200)}`);
  out(
    payload.sealed
      ? `sealed digest ${payload.sequence} (${payload.key}): ${payload.leaves} leaves, ${payload.periodFrom} → ${payload.periodTo} (stage ${target.stage})`
      : `nothing to seal: ${String(payload.reason)}`,
  );
}

export function sealLine(result: SealResult): string {
  if (!result.sealed) return `nothing to seal: ${result.reason}`;
  const { digest } = result;
  const { counts } = digest;
  return `sealed digest ${digest.sequence} (${result.key}): ${digest.leaves} leaves — ${counts.raw} raw, ${counts.rejected} rejected, ${counts.media} media, ${counts.audit} audit, ${counts.erased} erasure records — ${digest.period.from} → ${digest.period.to}`;
}

/** `vigia evidence public-key --out FILE`: the PEM an auditor verifies with, with no AWS access. */
export async function evidencePublicKey(target: Target, file: string, out: (line: string) => void): Promise<void> {
  const signer = await signerOf(target);
  const pem = await signer.publicKeyPem();
  writeFileSync(file, pem);
  out(`wrote the public key of ${target.description} (key ${signer.keyId}, SHA-256 of its DER ${keyFingerprint(pem)}) to ${file}`);
}

function keyFingerprint(pem: string): string {
  return createHash('sha256')
    .update(createPublicKey(pem).export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export interface VerifyCommandOptions {
  since?: string;
  until?: string;
  /** A downloaded copy of the archive bucket: verified with only the public key. */
  dir?: string;
  publicKey?: string;
  json?: boolean;
}

export function validateVerifyOptions(options: VerifyCommandOptions): void {
  if (options.since && options.until && options.since > options.until) throw new UsageError(`--since ${options.since} is after --until ${options.until}`);
  if (options.dir !== undefined) {
    if (!existsSync(options.dir) || !statSync(options.dir).isDirectory()) throw new UsageError(`--dir ${options.dir}: not a folder`);
    if (!options.publicKey) throw new UsageError('--dir needs --public-key FILE (from `vigia evidence public-key --out FILE`): a downloaded copy is verified with the public key alone');
  }
  if (options.publicKey !== undefined && !existsSync(options.publicKey)) throw new UsageError(`--public-key ${options.publicKey}: no such file`);
}

function readPublicKey(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--public-key ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new UsageError(`--public-key ${file}: not a PEM public key`);
  }
  // Digests are signed with ECDSA P-256 (a local key or KMS ECC_NIST_P256): another key would only fail every signature.
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new UsageError(`--public-key ${file}: not a P-256 (prime256v1) EC key, which the digests are signed with`);
  }
  return pem;
}

/**
 * `vigia evidence verify`: every digest's signature and link, every sealed object and audit entry
 * recomputed; prints what is wrong, one line each, and exits 1 when anything is.
 */
export async function evidenceVerify(target: Target | undefined, config: VigiaConfig | undefined, options: VerifyCommandOptions, out: (line: string) => void): Promise<void> {
  const bar = progressBar('verifying');
  let report: VerifyReport;
  let where: string;
  if (options.dir !== undefined) {
    const bucket = new DirectoryEvidenceBucket(options.dir);
    where = options.dir;
    report = await verifyEvidence({
      bucket,
      audit: new SealedAuditLog(bucket),
      publicKeyPem: readPublicKey(options.publicKey!),
      since: options.since,
      until: options.until,
      trustStoreDates: false,
      retentionDays: config?.retention?.days,
      onProgress: (done, total) => bar.update(done, total),
    });
  } else {
    const stack = target!;
    where = stack.description;
    report = await verifyEvidence({
      bucket: stack.evidence,
      audit: tableAuditLog(stack.privacy),
      publicKeyPem: options.publicKey ? readPublicKey(options.publicKey) : await (await signerOf(stack)).publicKeyPem(),
      since: options.since,
      until: options.until,
      trustStoreDates: true,
      retentionDays: config?.retention?.days,
      onProgress: (done, total) => bar.update(done, total),
    });
  }
  bar.finish();
  if (options.json) out(JSON.stringify(report));
  else for (const line of reportLines(report, where)) out(line);
  if (!report.ok) throw new CliError(`verification failed: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} (listed above)`);
}

export function reportLines(report: VerifyReport, where: string): string[] {
  const { digests } = report;
  const lines = [
    `${where}: ${digests.total} digest${digests.total === 1 ? '' : 's'} in the chain${digests.sealedUntil ? `, sealed up to ${digests.sealedUntil}` : ''}; ${digests.checked} checked, ${report.leaves.checked} leaves recomputed`,
  ];
  for (const problem of report.problems) lines.push(`  ${problem.kind.toUpperCase()}  ${problem.key}: ${problem.detail}`);
  if (report.erased.length > 0) lines.push(`  erased (a subject erasure recorded them; not tampering): ${report.erased.length}`);
  if (report.expired.length > 0) lines.push(`  expired (retention; not tampering): ${report.expired.length}`);
  if (report.unsealed.length > 0) lines.push(`  not yet sealed (stored after the last digest; the next one covers them): ${report.unsealed.length}`);
  lines.push(report.ok ? 'OK: the archive is as sealed' : `FAILED: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}`);
  return lines;
}

/** `vigia evidence prove MESSAGE_ID --out proof.json`. */
export async function evidenceProve(target: Target, messageId: string, file: string, out: (line: string) => void): Promise<void> {
  const signer = await signerOf(target);
  try {
    const proof = await proveMessage({ bucket: target.evidence, rawKeyOf: (id) => target.repository.rawKeyOf(id), publicKeyPem: () => signer.publicKeyPem() }, messageId);
    writeFileSync(file, `${JSON.stringify(proof, null, 2)}\n`);
    out(`wrote the proof of message ${messageId} to ${file}: ${proof.object.key}, leaf ${proof.leafIndex + 1} of ${proof.treeSize} in ${digestLabel(proof.digest)}`);
  } catch (error) {
    if (error instanceof ProofUnavailableError) throw new CliError(error.message);
    throw error;
  }
}

/** `vigia evidence check proof.json`: the proof alone, offline. */
export function evidenceCheck(file: string, out: (line: string) => void): void {
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  let proof: unknown;
  try {
    proof = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const result = checkProof(proof);
  if (!result.ok) {
    for (const problem of result.problems) out(`  ${problem}`);
    throw new CliError(`the proof in ${file} does not hold: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} (listed above)`);
  }
  const valid = proof as { messageId: string; object: { key: string }; leafIndex: number; treeSize: number; digest: Digest };
  out(`valid: message ${valid.messageId} came in ${valid.object.key}, leaf ${valid.leafIndex + 1} of ${valid.treeSize} of ${digestLabel(valid.digest)}, signed by key ${valid.digest.signature.keyId}`);
}

const digestLabel = (digest: Digest) => `digest ${digest.sequence} of stage ${digest.stage} (${digest.period.from} → ${digest.period.to}, sealed ${digest.createdAt})`;
