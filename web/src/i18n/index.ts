import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import elZhCn from 'element-plus/es/locale/lang/zh-cn';
import elEn from 'element-plus/es/locale/lang/en';
import { setRequestLanguage } from '../api/http';
import zhCN from './zh-CN';
import en from './en';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = 'lz_locale';

function storedLocale(): Locale {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v && (LOCALES as readonly string[]).includes(v)) return v as Locale;
  } catch {
    // localStorage unavailable (private mode): fall back to the default.
  }
  return 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  document.title = i18n.global.t('app.name');
  setRequestLanguage(locale);
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not persisted; the choice still holds for this page.
  }
}

/** Element Plus' own strings (pagination, date picker…) follow the app language. */
export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? elEn : elZhCn));
