// Message lookup and formatting: pure functions, no Svelte, so Vitest covers them directly.
//
// A message is plain text with `{name}` placeholders, or a whole-message plural in ICU style:
// `{count, plural, one {# file} other {# files}}`, whose form is chosen by `Intl.PluralRules`
// for the locale and where `#` stands for the formatted count.

/** A value that fills a placeholder: numbers are formatted for the locale. */
export type Param = string | number;
export type Params = Readonly<Record<string, Param>>;

/** A catalogue: message key to message text. */
export type Messages = Readonly<Record<string, string>>;

const PLURAL = /^\{\s*(\w+)\s*,\s*plural\s*,(.*)\}$/su;
const PLURAL_FORM = /(zero|one|two|few|many|other)\s*\{((?:[^{}]|\{\w+\})*)\}/gu;
const PLACEHOLDER = /\{(\w+)\}/gu;

/** Formats `value` for `locale`: numbers with the locale's digit grouping. */
export function formatParam(locale: string, value: Param): string {
  if (typeof value === 'number') {
    return new Intl.NumberFormat(locale).format(value);
  }
  return value;
}

/** Replaces each `{name}` in `text` by its formatted param; an unknown name stays visible. */
export function fillPlaceholders(locale: string, text: string, params: Params): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : formatParam(locale, value);
  });
}

/** Picks the plural form of `message` for `params`, or returns `message` if it is no plural. */
export function selectPlural(locale: string, message: string, params: Params): string {
  const plural = PLURAL.exec(message.trim());
  if (plural === null) {
    return message;
  }
  const [, name = '', body = ''] = plural;
  const count = params[name];
  const forms = new Map<string, string>();
  for (const [, category = '', text = ''] of body.matchAll(PLURAL_FORM)) {
    forms.set(category, text);
  }
  const category = typeof count === 'number' ? new Intl.PluralRules(locale).select(count) : 'other';
  const form = forms.get(category) ?? forms.get('other') ?? message;
  const formatted = count === undefined ? '#' : formatParam(locale, count);
  return form.replaceAll('#', formatted);
}

/**
 * The message `key` of `messages`, in `locale`, with its params filled in.
 * A missing key returns the key itself, so the gap shows on screen and in tests.
 */
export function translate(
  messages: Messages,
  locale: string,
  key: string,
  params: Params = {},
): string {
  const message = messages[key];
  if (message === undefined) {
    return key;
  }
  return fillPlaceholders(locale, selectPlural(locale, message, params), params);
}
