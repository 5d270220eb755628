import { describe, expect, it } from 'vitest';

import { DEFAULT_LOCALE, LANGUAGE_NAMES, catalogues } from './catalogues';

/** The text of every `.ts` and `.svelte` file under `src/`, by path (Vite reads them). */
const sources: Record<string, string> = import.meta.glob(['/src/**/*.ts', '/src/**/*.svelte', '!/src/**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

describe('catalogues', () => {
  const reference = Object.keys(catalogues.en).sort();

  it.each(Object.entries(catalogues))('%s has the same keys as en', (_locale, catalogue) => {
    expect(Object.keys(catalogue).sort()).toEqual(reference);
  });

  it.each(Object.entries(catalogues))('%s has no empty message', (_locale, catalogue) => {
    const empty = Object.entries(catalogue).filter(([, text]) => text.trim() === '');
    expect(empty).toEqual([]);
  });

  it.each(Object.entries(catalogues))('%s uses the same placeholders as en', (_locale, catalogue) => {
    const names = (text: string) => [...text.matchAll(/\{(\w+)[},]/gu)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(catalogue)) {
      expect([key, names(text)]).toEqual([key, names(catalogues.en[key as keyof typeof catalogues.en])]);
    }
  });

  it('keys are dotted snake_case, feature first', () => {
    const bad = reference.filter((key) => !/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/u.test(key));
    expect(bad).toEqual([]);
  });

  it('starts in Kazakh and names every language in itself', () => {
    expect(DEFAULT_LOCALE).toBe('kk');
    expect(Object.keys(LANGUAGE_NAMES).sort()).toEqual(Object.keys(catalogues).sort());
  });

  it('every key the UI names literally exists', () => {
    const used = Object.values(sources).flatMap((text) =>
      [...text.matchAll(/\bt\(\s*'([a-z0-9_.]+)'/gu)].map((m) => m[1] ?? ''),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((key) => !(key in catalogues.en))).toEqual([]);
  });
});
