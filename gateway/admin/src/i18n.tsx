// zh-CN by default, en switchable: `t('会员', 'Members')` keeps both texts side by side where they are used.
import { createContext, useContext } from 'react';

export type Lang = 'zh' | 'en';
export const LangContext = createContext<{ lang: Lang; setLang: (l: Lang) => void }>({ lang: 'zh', setLang: () => undefined });

export function useT(): (zh: string, en: string) => string {
  const { lang } = useContext(LangContext);
  return (zh, en) => (lang === 'zh' ? zh : en);
}

export function useLang(): Lang {
  return useContext(LangContext).lang;
}

/** The gateway's messages are "中文 / English": show the half of the current language. */
export function pickMessage(message: string, lang: Lang): string {
  const parts = message.split(' / ');
  if (parts.length < 2) return message;
  return lang === 'zh' ? parts[0]! : parts.slice(1).join(' / ');
}
