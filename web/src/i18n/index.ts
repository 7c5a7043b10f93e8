// Language state and formatting. Japanese is the default; the choice is kept in localStorage and
// mirrored into the `kyoso_lang` cookie so that the server answers problem+json `title`/`detail`
// (and future server-rendered text) in the same language (docs/api.md: ?lang, then cookie).
import { createStore, useStore } from '../store';
import { ja, type MessageKey, type Dictionary } from './ja';
import { en } from './en';

export type Lang = 'ja' | 'en';
export type { MessageKey };

const dictionaries: Record<Lang, Dictionary> = { ja, en };
const STORAGE_KEY = 'kyoso_lang';

function readInitialLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'ja' || stored === 'en') return stored;
  } catch {
    // localStorage can be unavailable (private mode, disabled storage): fall through.
  }
  const m = /(?:^|;\s*)kyoso_lang=(ja|en)(?:;|$)/.exec(document.cookie);
  if (m) return m[1] as Lang;
  return 'ja';
}

export const langStore = createStore<Lang>(readInitialLang());

function applyLang(lang: Lang) {
  document.documentElement.lang = lang;
  document.cookie = `kyoso_lang=${lang}; Path=/; SameSite=Lax; Max-Age=31536000`;
}
applyLang(langStore.get());

export function setLang(lang: Lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not fatal: the cookie still carries the choice.
  }
  applyLang(lang);
  langStore.set(lang);
}

export function getLang(): Lang {
  return langStore.get();
}

/** Subscribes the component to language changes and returns the current language. */
export function useLang(): Lang {
  return useStore(langStore);
}

export type Vars = Record<string, string | number>;

/** Looks up a message in the current language and fills {placeholders}. */
export function t(key: MessageKey, vars?: Vars): string {
  const s = dictionaries[langStore.get()][key] ?? ja[key] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

/** True when the key exists in the dictionary (for server-provided codes such as roles). */
export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(ja, key);
}

export function roleLabel(role: string): string {
  const key = `role.${role}`;
  return hasKey(key) ? t(key) : role;
}

export function actionLabel(action: string): string {
  const key = `action.${action}`;
  return hasKey(key) ? t(key) : action;
}

const timeFormats = new Map<Lang, Intl.DateTimeFormat>();

/** Formats Unix milliseconds (UTC) as a date and time in Japan Standard Time. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const lang = langStore.get();
  let f = timeFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', {
      timeZone: 'Asia/Tokyo',
      year: 'numeric',
      month: lang === 'ja' ? 'long' : 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    timeFormats.set(lang, f);
  }
  const s = f.format(new Date(ms));
  return lang === 'en' ? `${s} JST` : s;
}

/** Machine-readable ISO form for <time datetime>. */
export function isoTime(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString();
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(langStore.get() === 'ja' ? 'ja-JP' : 'en-US').format(n);
}

/** Picks the English variant of a bilingual server field when the UI is in English. */
export function localized(jaText: string | null | undefined, enText: string | null | undefined): string {
  if (langStore.get() === 'en' && enText) return enText;
  return jaText ?? enText ?? '';
}
