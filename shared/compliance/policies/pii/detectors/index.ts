import { createHmac } from 'node:crypto';
import { redactedSlice } from '../../../normalize-text';
import { cnpj, cpf, pix } from './brazil';
import { findEmails, phone } from './contact';
import { DETECTOR_NAMES, type PiiDetectorName, type PiiFinding, type ShapeDetector } from './detector';
import { curp, rfc } from './mexico';
import { card, iban } from './payment';
import { cuit, nit, rut } from './southern-andean';
import { dni } from './spain';
import { isTokenEnd, isTokenStart } from './tokens';

/*
 * Personal-data detectors for the `pii` policy kind: each identifier is found by its shape and
 * confirmed by its check digits or tables, so "looks like a CPF" is not enough.
 *
 * How the text is read: digits are grouped into clusters (runs at most 12 characters apart); each
 * detector runs on the window around a cluster only when the cluster has enough digits for it, so
 * words cost one character loop. E-mail addresses are found from each "@".
 *
 * What is not an identifier: a candidate glued to a longer token (see tokens.ts: digits or letters
 * around it, "1.234.567,89", "#123…", "@5511…", "+1…", "SKU-…", URL path segments); a bare 14-digit
 * timestamp; a bare run of digits as a phone. Values in a URL query ("?cpf=…") are still reported.
 */

export { DETECTOR_NAMES, type PiiDetectorName, type PiiFinding };

const SHAPE_DETECTORS: readonly ShapeDetector[] = [pix, iban, curp, rfc, cnpj, cpf, card, cuit, nit, dni, rut, phone];

/**
 * When two findings overlap, the longer one is the identifier ("+55 11912345678" is a phone even
 * when its last 11 digits are a valid CPF); for the same span, the detector less likely to pass by
 * chance wins: structure and two check digits before one check digit, a bare structure last.
 */
export const SPECIFICITY: readonly PiiDetectorName[] = ['pix', 'email', 'iban', 'curp', 'rfc', 'cnpj', 'cpf', 'card', 'cuit', 'nit', 'dni', 'rut', 'phone'];
const RANK = new Map(SPECIFICITY.map((name, rank) => [name, rank]));

/**
 * Every identifier of the requested detectors in `text`, in text order, each span once. Every
 * detector judges every span, and only then are the findings filtered to `detectors`: enabling only
 * `cpf` never turns the digits of a formatted phone number into a CPF.
 */
export function findPii(text: string, detectors: readonly PiiDetectorName[]): PiiFinding[] {
  if (detectors.length === 0) return [];
  const candidates = text.includes('@') ? findEmails(text) : [];
  forEachDigitCluster(text, (cluster) => collectShapes(text, cluster, candidates));
  if (candidates.length === 0) return candidates;
  const wanted = new Set(detectors);
  return resolveOverlaps(candidates).filter((finding) => wanted.has(finding.detector));
}

/** `text` with every identifier of `detectors` replaced by its masked form ("CPF ***.456.789-**"). */
export function maskPii(text: string, detectors: readonly PiiDetectorName[]): string {
  return redactedSlice(text, 0, text.length, findPii(text, detectors));
}

/**
 * HMAC-SHA256 of `detector:normalized` under a deployment secret, hex, first 16 characters (64 bits):
 * the same identifier is recognisable across alerts, and without the key the hash cannot be tested
 * against every CPF or phone number (a billion or so) an attacker could enumerate.
 */
export function fingerprint(finding: Pick<PiiFinding, 'detector' | 'normalized'>, key: Uint8Array | string): string {
  return createHmac('sha256', key).update(`${finding.detector}:${finding.normalized}`).digest('hex').slice(0, 16);
}

interface DigitCluster {
  /** From the first digit of its first run to after the last digit of its last run. */
  start: number;
  end: number;
  digits: number;
  longestRun: number;
}

// Inside one identifier, digit runs are at most 12 characters apart ("MT84 MALT 0110…", CURP
// "560427MVZRRL04"); PIX keys and alphanumeric CNPJs can have longer gaps but need 1 and 2 digits.
const CLUSTER_GAP = 12;
// Every identifier but an e-mail address has a digit: its characters before the first digit (at
// most 16, "AB.CDE.FGH/IJKL-35") and after the last (at most 21, a PIX key) fit these margins.
const LEADING_MARGIN = 20;
const TRAILING_MARGIN = 26;

/** Groups of digit runs at most CLUSTER_GAP apart; a character loop, cheaper than a regex here. */
function forEachDigitCluster(text: string, visit: (cluster: DigitCluster) => void): void {
  let cluster: DigitCluster | undefined;
  for (let index = 0; index < text.length; index++) {
    if (!isDigitCode(text.charCodeAt(index))) continue;
    const runStart = index;
    while (index + 1 < text.length && isDigitCode(text.charCodeAt(index + 1))) index++;
    const runLength = index + 1 - runStart;
    if (cluster && runStart - cluster.end <= CLUSTER_GAP) {
      cluster.end = index + 1;
      cluster.digits += runLength;
      cluster.longestRun = Math.max(cluster.longestRun, runLength);
    } else {
      if (cluster) visit(cluster);
      cluster = { start: runStart, end: index + 1, digits: runLength, longestRun: runLength };
    }
  }
  if (cluster) visit(cluster);
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

function collectShapes(text: string, cluster: DigitCluster, into: PiiFinding[]): void {
  const windowStart = Math.max(0, cluster.start - LEADING_MARGIN);
  let windowText: string | undefined;
  for (const detector of SHAPE_DETECTORS) {
    if (cluster.digits < detector.minDigits || cluster.longestRun < (detector.minRun ?? 1)) continue;
    windowText ??= text.slice(windowStart, Math.min(text.length, cluster.end + TRAILING_MARGIN));
    if (detector.prefilter?.(windowText, cluster.digits) === false) continue;
    const { pattern } = detector;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(windowText); match; match = pattern.exec(windowText)) {
      const start = windowStart + match.index;
      const accepted = isTokenStart(text, start) ? detector.validate(match[0]) : undefined;
      const length = accepted?.length ?? match[0].length;
      if (accepted && isTokenEnd(text, start + length)) {
        into.push({ detector: detector.name, start, end: start + length, normalized: accepted.normalized, masked: detector.mask(accepted.normalized) });
        pattern.lastIndex = match.index + length;
      } else {
        // A shorter or later candidate may start inside this one ("1234 4111 1111 1111 1111").
        pattern.lastIndex = match.index + 1;
      }
    }
  }
}

function resolveOverlaps(candidates: PiiFinding[]): PiiFinding[] {
  if (candidates.length < 2) return candidates;
  const byPriority = candidates.toSorted(
    (a, b) => b.end - b.start - (a.end - a.start) || RANK.get(a.detector)! - RANK.get(b.detector)! || a.start - b.start,
  );
  const kept: PiiFinding[] = [];
  for (const candidate of byPriority) {
    if (kept.every((other) => candidate.end <= other.start || candidate.start >= other.end)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}
