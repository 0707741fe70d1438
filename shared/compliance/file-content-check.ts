import type { Readable } from 'node:stream';
import { DEFAULT_EXTRACTION_LIMITS, extractText, type ExtractionLimits } from '../media/text-extraction';
import { type FingerprintKeyDependencies, fingerprintOf, redactionsOf, requireContext } from './flow-tasks';
import type { CheckResults, FileFacts, FileTextSummary, FlowState } from './model';
import type { CheckResult, FileTextInput } from './policies/policy-kind';
import { POLICY_KINDS, policiesOf } from './policies/registry';
import type { VigiaConfig } from '../config/vigia-config';

/*
 * The FileContentCheck task, apart from the other flow tasks (flow-tasks.ts): it alone needs the
 * text extraction (pdf.js among it, about 1.6 MB bundled), which no other function should load.
 */

type FileTextRunner = [kind: string, run: (input: FileTextInput) => CheckResult | undefined];

const fileTextRunners = new WeakMap<VigiaConfig, FileTextRunner[]>();

function fileTextRunnersOf(config: VigiaConfig): FileTextRunner[] {
  let runners = fileTextRunners.get(config);
  if (!runners) {
    runners = POLICY_KINDS.flatMap((kind): FileTextRunner[] => (kind.fileText ? [[kind.kind, kind.fileText.compile(policiesOf(config.policies, kind.kind))]] : []));
    fileTextRunners.set(config, runners);
  }
  return runners;
}

export interface FileContentDependencies extends FingerprintKeyDependencies {
  /** The archived file's bytes (the archive bucket's media/ prefix). */
  files: { open(key: string): Promise<Readable> };
  /** @default DEFAULT_EXTRACTION_LIMITS */
  limits?: Partial<ExtractionLimits>;
}

/**
 * FileContentCheck: the text inside the message's stored file (CSV, XLSX, DOCX, ODS/ODT, text
 * PDF), read within size, decompression and time limits, then every kind that looks inside files
 * (keyword and pii policies). A file that cannot be read is reported (`fileText.reason`), never
 * an error of the flow. Nothing to do without such a policy or before the file is stored (the flow
 * runs again once it is).
 */
export async function fileContentCheck(state: FlowState, deps: FileContentDependencies): Promise<Partial<CheckResults>> {
  const context = requireContext(state);
  const file = state.file;
  const runners = fileTextRunnersOf(deps.config);
  if (runners.length === 0 || !context.mediaId || file?.state !== 'stored' || !file.s3Key) return {};
  const limits = { ...DEFAULT_EXTRACTION_LIMITS, ...deps.limits };
  const fileText = await readFileText(file, file.s3Key, deps.files, limits);
  if (!fileText.scanned) return { fileText: fileText.summary };
  const input: FileTextInput = { text: fileText.text, context, scope: { direction: context.direction, team: context.team }, file, fingerprint: await fingerprintOf(deps), redactionsOf: redactionsOf(deps.config) };
  const results: Record<string, CheckResult> = {};
  for (const [kind, run] of runners) {
    const result = run(input);
    if (result) results[kind] = result;
  }
  return { fileText: fileText.summary, ...results };
}

type ReadText = { scanned: true; text: string; summary: FileTextSummary } | { scanned: false; summary: FileTextSummary };

async function readFileText(file: FileFacts, key: string, files: FileContentDependencies['files'], limits: ExtractionLimits): Promise<ReadText> {
  const notScanned = (reason: string): ReadText => ({ scanned: false, summary: { scanned: false, reason } });
  if (file.size !== undefined && file.size > limits.maxInputBytes) {
    return notScanned(`not scanned: the file is ${megabytes(file.size)}, above the ${megabytes(limits.maxInputBytes)} limit`);
  }
  const bytes = await readAtMost(await files.open(key), limits.maxInputBytes);
  if (!bytes) return notScanned(`not scanned: the file is above the ${megabytes(limits.maxInputBytes)} limit`);
  const extracted = await extractText(bytes, { mime: file.sniffedMime ?? file.declaredMime ?? 'application/octet-stream', ext: file.extension }, limits);
  if (!extracted.scanned) return notScanned(extracted.reason);
  return { scanned: true, text: extracted.text, summary: { scanned: true, format: extracted.format, chars: extracted.chars, truncated: extracted.truncated } };
}

/** The stream's bytes, or undefined as soon as it has more than `limit` (the rest is not read). */
async function readAtMost(stream: Readable, limit: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      stream.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}

const megabytes = (bytes: number) => `${Math.round((bytes / 2 ** 20) * 10) / 10} MB`;
