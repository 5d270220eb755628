// The three catalogues and their shared key type. English is the reference for the key set;
// a catalogue missing a key fails to type-check here, and a test catches extra or empty ones.

import type { Language } from '../ipc/generated/ipc';
import en from './en.json';
import kk from './kk.json';
import ru from './ru.json';

/** Every message key the UI may show. */
export type MessageKey = keyof typeof en;

/** A complete catalogue. */
export type Catalogue = Readonly<Record<MessageKey, string>>;

/** A language the UI can be shown in: exactly the app's languages, each with a catalogue. */
export type Locale = Language;

/** The language the UI starts in. */
export const DEFAULT_LOCALE: Locale = 'kk';

export const catalogues: Readonly<Record<Locale, Catalogue>> = { kk, ru, en };

/** Each language's name in that language, as the language switch shows it. */
export const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = {
  kk: 'Қазақша',
  ru: 'Русский',
  en: 'English',
};
