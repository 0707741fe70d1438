import { useState } from 'preact/hooks';
import { signInLocally, SignInError, startCognitoSignIn, type ConsoleConfig } from '../auth';
import type { Translate } from '../i18n';

export function SignIn({ config, t, notice, onSignedIn }: { config: ConsoleConfig; t: Translate; notice?: string; onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  if (config.auth === 'cognito') {
    return (
      <section class="sign-in card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('signInTitle')}</h1>
        {notice && <p class="notice">{notice}</p>}
        {problem && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
        <button type="button" class="primary" onClick={() => startCognitoSignIn(config).catch((error: Error) => setProblem(t('error', { message: error.message })))}>
          {t('signInCognito')}
        </button>
      </section>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      await signInLocally(email, password);
      onSignedIn();
    } catch (error) {
      setProblem(error instanceof SignInError && error.status === 401 ? t('wrongPassword') : t('error', { message: (error as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="sign-in card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signInTitle')}</h1>
      {notice && <p class="notice">{notice}</p>}
      <form onSubmit={submit}>
        <label for="sign-in-email">{t('email')}</label>
        <input id="sign-in-email" name="email" type="email" autocomplete="username" required value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
        <label for="sign-in-password">{t('password')}</label>
        <input id="sign-in-password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
        {problem && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
      </form>
    </section>
  );
}
