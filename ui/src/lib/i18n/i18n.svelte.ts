// The UI's current language and its message function, shared through a Svelte context.

import { createContext } from 'svelte';

import { type Catalogue, DEFAULT_LOCALE, type Locale, type MessageKey, catalogues } from './catalogues';
import { type Params, translate } from './translate';

/** The current language; every `t` call re-renders when it changes. */
export class I18n {
  locale: Locale = $state(DEFAULT_LOCALE);

  /** The message `key` in the current language, with `params` filled in. */
  t = (key: MessageKey, params: Params = {}): string => {
    const catalogue: Catalogue = catalogues[this.locale];
    return translate(catalogue, this.locale, key, params);
  };
}

const [getI18n, setI18n] = createContext<I18n>();

export { getI18n, setI18n };
