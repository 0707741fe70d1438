import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import './styles.css';
import { api, whenUnauthorized } from './api';
import { completeCognitoSignIn, currentToken, loadConfig, signOut, type ConsoleConfig } from './auth';
import { ErrorBox, Loading } from './components';
import { SessionContext, type Session } from './context';
import { formatTime, LANGUAGES, type Language, pickLanguage, rememberLanguage, translator } from './i18n';
import { href, useRoute } from './router';
import type { Me } from './types';
import { Audit } from './views/audit';
import { ConversationThread, Conversations } from './views/conversations';
import { Detail } from './views/detail';
import { Overview } from './views/overview';
import { Queue } from './views/queue';
import { SignIn } from './views/sign-in';

const LANGUAGE_NAMES: Record<Language, string> = { pt: 'Português', es: 'Español', en: 'English' };

function App() {
  const [config, setConfig] = useState<ConsoleConfig | undefined>();
  const [signedIn, setSignedIn] = useState(false);
  const [me, setMe] = useState<Me | undefined>();
  const [problem, setProblem] = useState<Error | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [chosen, setChosen] = useState<Language | undefined>();
  const route = useRoute();
  const language = chosen ?? pickLanguage(me?.language);
  const t = useMemo(() => translator(language), [language]);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  useEffect(() => {
    whenUnauthorized(() => {
      setMe(undefined);
      setSignedIn(false);
      setNotice(translator(pickLanguage())('sessionExpired'));
    });
    (async () => {
      const loaded = await loadConfig();
      if (loaded.auth === 'cognito') await completeCognitoSignIn(loaded);
      setConfig(loaded);
      setSignedIn(currentToken() !== undefined);
    })().catch((error: Error) => {
      setConfig({ auth: 'local' });
      setProblem(error);
    });
  }, []);

  useEffect(() => {
    if (!signedIn) return;
    api<Me>('/api/me').then(
      (answer) => {
        setMe(answer);
        setNotice(undefined);
      },
      (error: Error) => setProblem(error),
    );
  }, [signedIn]);

  const choose = (next: Language) => {
    rememberLanguage(next);
    const url = new URL(location.href);
    if (url.searchParams.has('lang')) {
      url.searchParams.delete('lang');
      history.replaceState(null, '', url.toString());
    }
    setChosen(next);
  };

  const switcher = (
    <div class="language">
      <label for="language">{t('language')}</label>
      <select id="language" value={language} onInput={(event) => choose(event.currentTarget.value as Language)}>
        {LANGUAGES.map((code) => (
          <option value={code} lang={code}>
            {LANGUAGE_NAMES[code]}
          </option>
        ))}
      </select>
    </div>
  );

  if (!config) return <Loading />;
  if (!signedIn) {
    return (
      <>
        <header class="top">
          <span class="brand">{t('appName')}</span>
          {switcher}
        </header>
        <main id="main">
          {problem && <ErrorBox error={problem} />}
          <SignIn
            config={config}
            t={t}
            notice={notice}
            onSignedIn={() => {
              setProblem(undefined);
              setSignedIn(true);
            }}
          />
        </main>
      </>
    );
  }
  if (!me) {
    return (
      <main id="main">
        {problem ? <ErrorBox error={problem} retry={() => location.reload()} /> : <Loading />}
      </main>
    );
  }

  const session: Session = { language, t, time: (iso) => formatTime(language, iso), me };
  const nav: [string, string, boolean][] = [
    [href.alerts(), t('navAlerts'), route.view === 'alerts' || route.view === 'alert'],
    [href.conversations(), t('navConversations'), route.view === 'conversations' || route.view === 'thread'],
    [href.overview(), t('navOverview'), route.view === 'overview'],
    ...(me.role === 'officer' ? ([[href.audit(), t('navAudit'), route.view === 'audit']] as [string, string, boolean][]) : []),
  ];
  return (
    <SessionContext.Provider value={session}>
      <header class="top">
        <span class="brand">{t('appName')}</span>
        <nav aria-label={t('appName')}>
          <ul>
            {nav.map(([target, label, current]) => (
              <li>
                <a href={target} aria-current={current ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="user">
          <span class="who">
            {me.name} <span class="muted">({me.role === 'officer' ? t('roleOfficer') : t('roleManager')})</span>
          </span>
          {switcher}
          <button
            type="button"
            onClick={() => {
              signOut(config);
              setMe(undefined);
              setSignedIn(false);
            }}
          >
            {t('signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {route.view === 'alerts' && <Queue />}
        {route.view === 'alert' && <Detail id={route.id} />}
        {route.view === 'conversations' && <Conversations />}
        {route.view === 'thread' && <ConversationThread lineId={route.lineId} contactId={route.contactId} />}
        {route.view === 'overview' && <Overview />}
        {route.view === 'audit' && (me.role === 'officer' ? <Audit /> : <ErrorBox error={new Error(t('notFound'))} />)}
        {route.view === 'unknown' && <ErrorBox error={new Error(t('notFound'))} />}
      </main>
    </SessionContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
