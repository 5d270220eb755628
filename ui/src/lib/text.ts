// Texts that travel in the template and the definition, in all three languages.

import type { Language, LocalText } from './ipc/generated/ipc';

/** `text` in `locale`. */
export function pick(text: LocalText, locale: Language): string {
  return text[locale];
}
