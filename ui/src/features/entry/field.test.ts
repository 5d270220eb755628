import { describe, expect, it } from 'vitest';

import { loaded, refusalMessage, refused, stored, typed } from './field';

const notANumber = { code: 'error.store.bad_value', params: { line: 'L1', input: 'not_a_number' } } as const;

describe('a field follows what the app stored', () => {
  it('starts from the stored value', () => {
    expect(loaded(null)).toEqual({ draft: '', accepted: '', status: 'empty', error: null });
    expect(loaded(1203)).toEqual({ draft: '1203', accepted: '1203', status: 'saved', error: null });
  });

  it('shows typing at once and is saved once the app answers', () => {
    const field = typed(loaded(null), '12');
    expect(field.status).toBe('saving');
    expect(stored(field, '12', 12)).toEqual({ draft: '12', accepted: '12', status: 'saved', error: null });
  });

  it('shows the value the app stored, not the typed form of it', () => {
    expect(stored(typed(loaded(null), '007'), '007', 7).draft).toBe('7');
  });

  it('keeps newer typing that is still on its way', () => {
    const field = typed(typed(loaded(null), '1'), '12');
    const after = stored(field, '1', 1);
    expect(after).toEqual({ draft: '12', accepted: '1', status: 'saving', error: null });
  });

  it('goes back to the stored text when the app refuses', () => {
    const field = typed(loaded(12), '12a');
    expect(refused(field, '12a', notANumber)).toEqual({
      draft: '12',
      accepted: '12',
      status: 'refused',
      error: notANumber,
    });
  });

  it('clearing a field stores nothing and shows it empty', () => {
    expect(stored(typed(loaded(5), ''), '', null)).toEqual({ draft: '', accepted: '', status: 'empty', error: null });
  });
});

describe('the message for a refused field', () => {
  it('is the input error when the app names one', () => {
    expect(refusalMessage(notANumber)).toEqual({ key: 'error.input.not_a_number', params: {} });
  });

  it('is the error itself otherwise', () => {
    const error = { code: 'error.store.same_user_second_entry', params: {} } as const;
    expect(refusalMessage(error)).toEqual({ key: 'error.store.same_user_second_entry', params: {} });
  });
});
