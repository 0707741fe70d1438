import { isUtf8 } from 'node:buffer';
import type { Deadline, TextOutput } from './limits';

const DECODE_STEP_BYTES = 64 * 1024;

/**
 * CSV and plain text: UTF-8 (with or without a BOM), UTF-16 with a BOM, and otherwise Windows-1252
 * — the superset of Latin-1 that Excel in Portuguese and Spanish writes CSV in. Decoded piece by
 * piece so that a large file stops at the character limit instead of becoming one huge string.
 */
export function decodePlainText(bytes: Uint8Array, output: TextOutput, deadline: Deadline): void {
  const encoding = bomEncoding(bytes) ?? (isUtf8(bytes) ? 'utf-8' : 'windows-1252');
  // The decoder drops the BOM itself.
  const decoder = new TextDecoder(encoding);
  for (let offset = 0; offset < bytes.length && !output.full; offset += DECODE_STEP_BYTES) {
    deadline.check();
    output.append(decoder.decode(bytes.subarray(offset, offset + DECODE_STEP_BYTES), { stream: true }));
  }
  output.append(decoder.decode());
}

/** True when the bytes hold text: no NUL bytes (binary files have plenty) in the first 8 KB. */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bomEncoding(bytes)?.startsWith('utf-16')) return true;
  return !bytes.subarray(0, 8192).includes(0);
}

function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}
