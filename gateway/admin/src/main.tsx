// The HQ console (商家后台): login, then the screens the signed-in role may use.
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { get, setUnauthenticatedHandler, tokenStore } from './api.js';
import { LangContext, type Lang } from './i18n.js';
import { LoginPage } from './pages/login-page.js';
import { Shell } from './shell.js';
import { SessionContext, type Session, type Staff, type Store } from './session.js';

const LANG_KEY = 'pos-console-lang';
const STAFF_KEY = 'pos-console-staff';

function Root() {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh'));
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(LANG_KEY, l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  }, []);
  const [session, setSession] = useState<Session | null>(null);
  const [booting, setBooting] = useState(true);

  const logout = useCallback(() => {
    const token = tokenStore.get();
    if (token) void fetch('/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
    tokenStore.set(null);
    sessionStorage.removeItem(STAFF_KEY);
    setSession(null);
  }, []);

  const open = useCallback(
    async (staff: Staff) => {
      const [perms, stores] = await Promise.all([
        get<{ actions: string[] }>('/v1/auth/permissions'),
        get<{ items: Store[] }>('/v1/stores?limit=200'),
      ]);
      const byId = new Map(stores.items.map((s) => [s.id, s]));
      setSession({
        staff,
        actions: new Set(perms.actions),
        stores: stores.items,
        storeName: (id) => (id ? (byId.get(id)?.name ?? id) : '—'),
        logout,
      });
    },
    [logout],
  );

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      tokenStore.set(null);
      setSession(null);
    });
    const saved = sessionStorage.getItem(STAFF_KEY);
    if (tokenStore.get() && saved) {
      open(JSON.parse(saved) as Staff)
        .catch(() => tokenStore.set(null))
        .finally(() => setBooting(false));
    } else setBooting(false);
  }, [open]);

  const onLogin = useCallback(
    async (token: string, staff: Staff) => {
      tokenStore.set(token);
      sessionStorage.setItem(STAFF_KEY, JSON.stringify(staff));
      await open(staff);
    },
    [open],
  );

  const langValue = useMemo(() => ({ lang, setLang }), [lang, setLang]);
  return (
    <LangContext.Provider value={langValue}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1f6feb' } }}>
        <AntApp>
          {booting ? null : session ? (
            <SessionContext.Provider value={session}>
              <Shell />
            </SessionContext.Provider>
          ) : (
            <LoginPage onLogin={onLogin} />
          )}
        </AntApp>
      </ConfigProvider>
    </LangContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
