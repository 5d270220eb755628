import { describe, expect, it } from 'vitest';

import { toUiError } from './index';

describe('toUiError', () => {
  it('keeps the app error code and params', () => {
    const thrown = { code: 'error.app.unknown_language', params: { language: 'de' } };
    expect(toUiError(thrown)).toEqual(thrown);
  });

  it('wraps anything else as an unexpected error with its text', () => {
    expect(toUiError('Command set_x not allowed by ACL')).toEqual({
      code: 'error.unexpected',
      params: { detail: 'Command set_x not allowed by ACL' },
    });
    expect(toUiError({ code: 42 })).toEqual({ code: 'error.unexpected', params: { detail: '[object Object]' } });
  });
});
