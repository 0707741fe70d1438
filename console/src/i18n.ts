import { DICTIONARIES, LANGUAGES, type Language, type MessageKey } from './dictionaries';

const STORED = 'vigia.language';

const isLanguage = (value: unknown): value is Language => typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/** `?lang=pt|es|en` in the URL: forces the language whatever else says. */
export function forcedLanguage(): Language | undefined {
  const value = new URLSearchParams(location.search).get('lang');
  return isLanguage(value) ? value : undefined;
}

/** The switcher's choice, kept for this browser. */
export function chosenLanguage(): Language | undefined {
  try {
    const value = localStorage.getItem(STORED);
    return isLanguage(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function rememberLanguage(language: Language): void {
  try {
    localStorage.setItem(STORED, language);
  } catch {
    // Storage disabled: the choice lasts until the page reloads.
  }
}

/** The browser's first language we have (pt-BR → pt), else English. */
export function browserLanguage(): Language {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag?.slice(0, 2).toLowerCase();
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** `?lang=` first, then the switcher, then the user's language in the config, then the browser's. */
export function pickLanguage(userLanguage?: string): Language {
  return forcedLanguage() ?? chosenLanguage() ?? (isLanguage(userLanguage) ? userLanguage : undefined) ?? browserLanguage();
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  const dictionary = DICTIONARIES[language];
  return (key, values) => {
    const text = dictionary[key] ?? DICTIONARIES.en[key] ?? key;
    return values ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)) : text;
  };
}

export function formatTime(language: Language, iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language === 'pt' ? 'pt-BR' : language, { dateStyle: 'short', timeStyle: 'short' }).format(date);
}

export { LANGUAGES, type Language, type MessageKey };
