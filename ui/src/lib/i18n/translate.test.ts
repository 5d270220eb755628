import { describe, expect, it } from 'vitest';

import { fillPlaceholders, formatParam, selectPlural, translate } from './translate';

const messages = {
  'greeting': 'Hello, {name}!',
  'protocols': '{count, plural, one {# protocol} other {# protocols}}',
  'ru.protocols': '{count, plural, one {# протокол} few {# протокола} many {# протоколов} other {# протокола}}',
  'kk.protocols': '{count, plural, one {# хаттама} other {# хаттама}}',
  'checked': '{count, plural, one {# protocol checked in {region}} other {# protocols checked in {region}}}',
};

describe('translate', () => {
  it('looks a key up and fills its placeholders', () => {
    expect(translate(messages, 'en', 'greeting', { name: 'Aigerim' })).toBe('Hello, Aigerim!');
  });

  it('returns a missing key itself so the gap is visible', () => {
    expect(translate(messages, 'en', 'no.such.key')).toBe('no.such.key');
  });

  it('leaves a placeholder without a param visible', () => {
    expect(translate(messages, 'en', 'greeting')).toBe('Hello, {name}!');
  });

  it('fills placeholders inside a plural form', () => {
    expect(translate(messages, 'en', 'checked', { count: 1, region: 'Astana' })).toBe(
      '1 protocol checked in Astana',
    );
  });
});

describe('placeholders', () => {
  it('formats numbers for the locale', () => {
    expect(formatParam('en', 1234567)).toBe('1,234,567');
    expect(formatParam('ru', 1234567).replace(/\s/gu, ' ')).toBe('1 234 567');
    expect(formatParam('en', 'text')).toBe('text');
  });

  it('replaces every occurrence, in any word order', () => {
    expect(fillPlaceholders('en', '{b} before {a}, then {b}', { a: 'A', b: 'B' })).toBe('B before A, then B');
  });
});

describe('plurals through Intl.PluralRules', () => {
  it('picks the English forms', () => {
    expect(translate(messages, 'en', 'protocols', { count: 1 })).toBe('1 protocol');
    expect(translate(messages, 'en', 'protocols', { count: 0 })).toBe('0 protocols');
    expect(translate(messages, 'en', 'protocols', { count: 2 })).toBe('2 protocols');
  });

  it('picks the Russian one, few and many forms', () => {
    const ru = (count: number) => translate(messages, 'ru', 'ru.protocols', { count });
    expect(ru(1)).toBe('1 протокол');
    expect(ru(21)).toBe('21 протокол');
    expect(ru(2)).toBe('2 протокола');
    expect(ru(24)).toBe('24 протокола');
    expect(ru(5)).toBe('5 протоколов');
    expect(ru(11)).toBe('11 протоколов');
    expect(ru(12)).toBe('12 протоколов');
  });

  it('picks the Kazakh forms', () => {
    expect(translate(messages, 'kk', 'kk.protocols', { count: 1 })).toBe('1 хаттама');
    expect(translate(messages, 'kk', 'kk.protocols', { count: 7 })).toBe('7 хаттама');
  });

  it('falls back to the other form when the category has none', () => {
    expect(selectPlural('ru', '{n, plural, other {# шт.}}', { n: 3 })).toBe('3 шт.');
  });

  it('leaves a message that is no plural alone', () => {
    expect(selectPlural('en', 'plain {count}', { count: 3 })).toBe('plain {count}');
  });
});
