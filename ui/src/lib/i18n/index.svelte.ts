/** A tiny message catalogue: t('key', {n: 3}); the language is kept in localStorage. */
import { en } from './en';
import { ptBR, type MessageKey } from './pt-BR';

export type Lang = 'pt-BR' | 'en';
export const LANGS: Array<{ id: Lang; label: string }> = [
  { id: 'pt-BR', label: 'Português' },
  { id: 'en', label: 'English' },
];
const catalogues: Record<Lang, Record<string, string>> = { 'pt-BR': ptBR, en };

function initial(): Lang {
  try {
    const saved = localStorage.getItem('ponte.lang');
    if (saved === 'en' || saved === 'pt-BR') return saved;
  } catch {
    /* storage unavailable */
  }
  return 'pt-BR';
}

export const i18n = $state({ lang: initial() });
// Screen readers pronounce the page in its language: the saved choice, from the first paint.
document.documentElement.lang = i18n.lang;

export function setLang(lang: Lang) {
  i18n.lang = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem('ponte.lang', lang);
  } catch {
    /* ignore */
  }
}

export function t(key: MessageKey | string, vars: Record<string, string | number> = {}): string {
  const text = catalogues[i18n.lang][key] ?? ptBR[key as MessageKey] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? `{${k}}`));
}

/** Whether the catalogue has a key (for optional translations such as param labels). */
export function has(key: string): boolean {
  return key in catalogues[i18n.lang];
}

/** Server labels come as {"pt-BR": …, "en": …}. */
export function pick(label: Record<string, string> | string | undefined | null): string {
  if (!label) return '';
  if (typeof label === 'string') return label;
  return label[i18n.lang] ?? label['pt-BR'] ?? Object.values(label)[0] ?? '';
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return t('common.never');
  return new Date(iso).toLocaleString(i18n.lang, { dateStyle: 'short', timeStyle: 'short' });
}

export function formatNumber(n: number): string {
  return n.toLocaleString(i18n.lang);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toLocaleString(i18n.lang, { maximumFractionDigits: 1 })} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s % 60)} s`;
}

/** An amount in reais as the API sends it ("59.90"): R$ 59,90 in Portuguese, R$59.90 in English. */
export function formatMoney(amount: string | number | null | undefined): string {
  const n = typeof amount === 'number' ? amount : Number(amount);
  if (amount == null || amount === '' || !Number.isFinite(n)) return '—';
  return n.toLocaleString(i18n.lang, { style: 'currency', currency: 'BRL' });
}
