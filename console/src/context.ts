import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { formatTime, translator, type Language, type Translate } from './i18n';
import type { Me } from './types';

export interface Session {
  language: Language;
  t: Translate;
  time: (iso: string | null | undefined) => string;
  me: Me;
}

export const SessionContext = createContext<Session>({
  language: 'en',
  t: translator('en'),
  time: (iso) => formatTime('en', iso),
  me: { email: '', name: '', role: 'manager', teams: [], language: 'en' },
});

export const useSession = () => useContext(SessionContext);
