import { describe, expect, it } from 'vitest';

import { paramsInWords } from './error-words';

describe('coded words inside an error message', () => {
  it('are said in words; other params stay as they are', () => {
    const error = { code: 'error.store.wrong_severity', params: { code: 'W05', expected: 'warning' } } as const;
    expect(paramsInWords(error, (key) => `<${key}>`)).toEqual({ code: 'W05', expected: '<finding.warning>' });
  });

  it('name the document that was not printed', () => {
    const error = { code: 'error.app.not_printed', params: { kind: 'posting' } } as const;
    expect(paramsInWords(error, (key) => `<${key}>`)).toEqual({ kind: '<print.kind.posting>' });
  });

  it('leave an unknown value alone', () => {
    const error = { code: 'error.store.empty_text', params: { what: 'colour' } } as const;
    expect(paramsInWords(error, (key) => `<${key}>`)).toEqual({ what: 'colour' });
  });
});
