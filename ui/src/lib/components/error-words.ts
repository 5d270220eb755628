// Params of an error that name a thing by its code (`warning`, `name`): the message keys that
// say it in words, so no English code shows inside a Kazakh or Russian message.

import type { MessageKey } from '../i18n/catalogues';
import type { UiError } from '../ipc';

const WORDS: Readonly<Record<string, Readonly<Record<string, MessageKey>>>> = {
  expected: { warning: 'finding.warning', error: 'finding.error' },
  what: { name: 'error.what.name', position: 'error.what.position', act: 'error.what.act' },
  kind: {
    protocol: 'print.kind.protocol',
    posting: 'print.kind.posting',
    blank: 'print.kind.blank',
    enrolment: 'print.kind.enrolment',
  },
};

/** `error`'s params with every coded word replaced by its message in `t`'s language. */
export function paramsInWords(error: UiError, t: (key: MessageKey) => string): Record<string, string> {
  const params: Record<string, string> = { ...error.params };
  for (const [name, value] of Object.entries(error.params)) {
    const key = WORDS[name]?.[value];
    if (key !== undefined) {
      params[name] = t(key);
    }
  }
  return params;
}
