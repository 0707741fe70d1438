import type { DisclosureLanguage, DisclosureSettings } from '../config/vigia-config';
import { detectLanguage } from '../compliance/language';

/** The language of the first-contact disclosure (the disclosure function only: it loads nlp.js). */

/** Country calling codes whose people most likely read the disclosure in that language. */
const PHONE_PREFIXES: ReadonlyArray<[string, DisclosureLanguage]> = [
  ...['55', '351', '244', '258', '238', '245', '239', '670'].map((code) => [code, 'pt'] as [string, DisclosureLanguage]),
  ...['34', '52', '53', '54', '56', '57', '58', '51', '591', '593', '595', '598', '502', '503', '504', '505', '506', '507', '240'].map(
    (code) => [code, 'es'] as [string, DisclosureLanguage],
  ),
  ...['1', '44', '61', '64', '353'].map((code) => [code, 'en'] as [string, DisclosureLanguage]),
].sort((a, b) => b[0].length - a[0].length);

function phoneLanguage(contactId: string | undefined): DisclosureLanguage | undefined {
  if (!contactId || !/^\d{8,15}$/.test(contactId)) return undefined;
  return PHONE_PREFIXES.find(([code]) => contactId.startsWith(code))?.[1];
}

export function defaultDisclosureLanguage(settings: DisclosureSettings): DisclosureLanguage {
  if (settings.defaultLanguage) return settings.defaultLanguage;
  return (['pt', 'es', 'en'] as const).find((language) => settings.text[language] !== undefined)!;
}

/**
 * The language of the disclosure: the one the compliance flow detected on the message, else the
 * one detected here from its text, else the contact's country calling code, else the configured
 * default — each only when the config has a text in that language.
 */
export function chooseDisclosureLanguage(
  settings: DisclosureSettings,
  message: { text?: string; contactId?: string; detectedLanguage?: string },
): { language: DisclosureLanguage; source: 'compliance' | 'text' | 'phone' | 'default' } {
  const usable = (language: string | undefined): language is DisclosureLanguage =>
    language !== undefined && (settings.text as Record<string, string | undefined>)[language] !== undefined;
  if (usable(message.detectedLanguage)) return { language: message.detectedLanguage, source: 'compliance' };
  const fromText = message.text ? detectLanguage(message.text) : undefined;
  if (usable(fromText)) return { language: fromText, source: 'text' };
  const fromPhone = phoneLanguage(message.contactId);
  if (usable(fromPhone)) return { language: fromPhone, source: 'phone' };
  return { language: defaultDisclosureLanguage(settings), source: 'default' };
}

export function disclosureText(settings: DisclosureSettings, language: DisclosureLanguage): string {
  return settings.text[language]!;
}
