/** The detectors a `pii` policy can name, in the order the documentation lists them. */
export const DETECTOR_NAMES = ['cpf', 'cnpj', 'card', 'iban', 'cuit', 'rut', 'curp', 'rfc', 'dni', 'nit', 'pix', 'email', 'phone'] as const;

export type PiiDetectorName = (typeof DETECTOR_NAMES)[number];

/**
 * One identifier found in a text. `normalized` is the identifier itself (canonical form): it exists
 * to compute the fingerprint and must never be stored, logged or sent — evidence carries `masked`.
 */
export interface PiiFinding {
  detector: PiiDetectorName;
  /** UTF-16 offsets in the text, end exclusive. */
  start: number;
  end: number;
  normalized: string;
  masked: string;
}

export interface Accepted {
  normalized: string;
  /** When only a prefix of the shape match is the identifier (a card followed by a group of digits). */
  length?: number;
}

/** A detector found by its shape (a regular expression) and confirmed by `validate` (check digits, tables). */
export interface ShapeDetector {
  name: Exclude<PiiDetectorName, 'email'>;
  /** Global; run on short windows of the text around its digits. */
  pattern: RegExp;
  /** Fewest ASCII digits any value of this detector has: windows with fewer skip it. */
  minDigits: number;
  /** The longest run of consecutive digits every value has (a CURP's date of birth: 6). */
  minRun?: number;
  /** A cheaper test a window must pass before the pattern runs on it. */
  prefilter?(window: string, digits: number): boolean;
  validate(match: string): Accepted | undefined;
  mask(normalized: string): string;
}
