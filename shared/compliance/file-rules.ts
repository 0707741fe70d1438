import type { FileFacts } from './model';
import type { FileHit } from './policies/file';
import type { FilePolicy } from './policies/file/schema';
import { appliesTo, type PolicyScope } from './policies/scope';

/**
 * File policies: forbidden extensions, forbidden MIME types (as sniffed from the bytes, and as
 * declared), files whose bytes are not what they claim to be, and size limits. Only a stored
 * file is judged; a pending, failed or expired one gives no hits (see {@link fileCheckSkipped}).
 */
export function checkFile(policies: FilePolicy[], facts: FileFacts, scope: PolicyScope): FileHit[] {
  if (fileCheckSkipped(facts)) return [];
  const extension = extensionOf(facts);
  const declared = facts.declaredMime ? canonicalMime(facts.declaredMime) : undefined;
  const sniffed = facts.sniffedMime ? canonicalMime(facts.sniffedMime) : undefined;

  const hits: FileHit[] = [];
  for (const policy of policies) {
    if (!appliesTo(policy, scope)) continue;
    const reasons: string[] = [];

    const forbiddenExtension = policy.extensions?.find((candidate) => candidate === extension || (facts.filename?.toLowerCase().endsWith(`.${candidate}`)));
    if (forbiddenExtension) reasons.push(`extension .${forbiddenExtension} is not allowed`);

    if (policy.mimeTypes) {
      const forbidden = (mime: string | undefined) => mime !== undefined && policy.mimeTypes!.some((pattern) => mimeMatches(pattern, mime));
      if (forbidden(sniffed)) reasons.push(`sniffed type ${facts.sniffedMime} is not allowed`);
      if (forbidden(declared) && declared !== sniffed) reasons.push(`declared type ${facts.declaredMime} is not allowed`);
    }

    if (policy.detectMismatch) reasons.push(...mismatches(facts, extension, declared, sniffed));

    if (policy.maxBytes !== undefined && facts.size !== undefined && facts.size > policy.maxBytes) reasons.push(`size ${facts.size} B over ${policy.maxBytes} B`);

    if (reasons.length > 0) hits.push({ policyId: policy.id, severity: policy.severity, reasons });
  }
  return hits;
}

/** Why the file checks cannot judge this file yet, or undefined when they can. */
export function fileCheckSkipped(facts: FileFacts): string | undefined {
  switch (facts.state) {
    case 'stored':
      return undefined;
    case 'pending':
      return 'file not fetched yet';
    case 'failed':
      return 'file could not be fetched';
    case 'expired':
      return 'file expired before it could be fetched';
  }
}

function extensionOf(facts: FileFacts): string | undefined {
  const raw = facts.extension ?? (facts.filename?.includes('.') ? facts.filename.split('.').pop() : undefined);
  return raw ? raw.trim().toLowerCase().replace(/^\.+/, '') || undefined : undefined;
}

function mismatches(facts: FileFacts, extension: string | undefined, declared: string | undefined, sniffed: string | undefined): string[] {
  // No verdict without a sniffed type: plain text, CSV and many others have no magic bytes.
  if (!sniffed) return [];
  const reasons: string[] = [];
  if (declared && declared !== GENERIC && !compatible(declared, sniffed)) reasons.push(`declared ${facts.declaredMime} but the bytes are ${facts.sniffedMime}`);
  const implied = extension ? EXTENSION_MIME[extension] : undefined;
  // Only worth a separate reason when the declared type did not already give the game away.
  if (implied && !compatible(implied, sniffed) && (declared === undefined || declared === GENERIC || compatible(declared, sniffed))) {
    reasons.push(`named .${extension} but the bytes are ${facts.sniffedMime}`);
  }
  return reasons;
}

// ── MIME types ───────────────────────────────────────────────────────────────────────────────────

const GENERIC = 'application/octet-stream';

/** Spellings of one type seen in the wild → the IANA name. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'image/x-icon': 'image/vnd.microsoft.icon',
  'image/heif': 'image/heic',
  'application/x-zip-compressed': 'application/zip',
  'application/x-zip': 'application/zip',
  'application/zip-compressed': 'application/zip',
  'application/x-pdf': 'application/pdf',
  'application/x-rar-compressed': 'application/vnd.rar',
  'application/x-rar': 'application/vnd.rar',
  'application/x-gzip': 'application/gzip',
  'audio/mp3': 'audio/mpeg',
  'audio/x-mp3': 'audio/mpeg',
  'audio/mpeg3': 'audio/mpeg',
  'audio/x-mpeg': 'audio/mpeg',
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/x-aac': 'audio/aac',
  'audio/aacp': 'audio/aac',
  'audio/opus': 'audio/ogg',
  'video/x-m4v': 'video/mp4',
  'text/x-csv': 'text/csv',
  'application/csv': 'text/csv',
};

/** Container formats whose members are legitimately declared by several names. */
const FAMILIES: string[][] = [
  // ISO base media (MP4, M4A, 3GP, MOV): sniffers often cannot tell the brands apart.
  ['video/mp4', 'audio/mp4', 'video/3gpp', 'audio/3gpp', 'video/3gpp2', 'audio/3gpp2', 'video/quicktime'],
  ['audio/ogg', 'video/ogg', 'application/ogg'],
  ['video/webm', 'audio/webm', 'video/x-matroska', 'audio/x-matroska'],
];

/** Lower case, no parameters (`audio/ogg; codecs=opus` → `audio/ogg`), aliases resolved. */
export function canonicalMime(mime: string): string {
  const bare = mime.split(';')[0].trim().toLowerCase();
  return ALIASES[bare] ?? bare;
}

/** True when a file declared as `declared` may legitimately have bytes sniffed as `sniffed` (both canonical). */
function compatible(declared: string, sniffed: string): boolean {
  if (declared === sniffed) return true;
  if (FAMILIES.some((family) => family.includes(declared) && family.includes(sniffed))) return true;
  // OOXML, OpenDocument, EPUB, JAR, APK… are ZIP files; a sniffer may say either.
  if ((sniffed === 'application/zip' && isZipBased(declared)) || (declared === 'application/zip' && isZipBased(sniffed))) return true;
  // Legacy Office files are OLE compound files, which is all file-type reports for them.
  if (sniffed === 'application/x-cfb' && isCompoundFileBased(declared)) return true;
  return false;
}

function isZipBased(mime: string): boolean {
  return (
    mime.startsWith('application/vnd.openxmlformats-officedocument.') ||
    mime.startsWith('application/vnd.oasis.opendocument.') ||
    mime.startsWith('application/vnd.ms-excel.sheet.') ||
    mime.startsWith('application/vnd.ms-word.document.') ||
    mime.startsWith('application/vnd.ms-powerpoint.presentation.') ||
    mime.endsWith('+zip') ||
    ['application/java-archive', 'application/vnd.android.package-archive', 'application/x-xpinstall', 'application/vnd.apple.keynote', 'application/vnd.apple.pages', 'application/vnd.apple.numbers'].includes(mime)
  );
}

function isCompoundFileBased(mime: string): boolean {
  return ['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint', 'application/vnd.ms-outlook', 'application/vnd.visio', 'application/x-msi', 'application/vnd.ms-project'].includes(mime);
}

/** `image/*` matches any image; otherwise canonical equality. */
function mimeMatches(pattern: string, canonical: string): boolean {
  if (pattern.endsWith('/*')) return canonical.startsWith(pattern.slice(0, -1));
  return canonicalMime(pattern) === canonical;
}

/** What common extensions promise, for files declared only as application/octet-stream. */
const EXTENSION_MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  pdf: 'application/pdf',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  '3gp': 'video/3gpp',
  webm: 'video/webm',
};
