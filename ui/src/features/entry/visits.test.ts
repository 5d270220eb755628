import { describe, expect, it } from 'vitest';

import { FieldVisits } from './visits';

describe('FieldVisits', () => {
  it('counts the first focus of a field as a visit', () => {
    expect(new FieldVisits().came('L1')).toBe(true);
  });

  it('does not count the window coming back to the field it left as a visit', () => {
    const visits = new FieldVisits();
    visits.came('L9');
    visits.left('L9', true);
    expect(visits.came('L9')).toBe(false);
  });

  it('does not count a repeated focus without a blur between as a visit', () => {
    const visits = new FieldVisits();
    visits.came('L9');
    visits.left('L9', true);
    visits.came('L9');
    expect(visits.came('L9')).toBe(false);
  });

  it('counts coming back to a field the clerk left for another as a visit', () => {
    const visits = new FieldVisits();
    visits.came('L9');
    visits.left('L9', false);
    visits.came('L2');
    visits.left('L2', false);
    expect(visits.came('L9')).toBe(true);
  });

  it('counts coming back to a field the clerk left for something else than a field as a visit', () => {
    const visits = new FieldVisits();
    visits.came('L9');
    visits.left('L9', false);
    expect(visits.came('L9')).toBe(true);
  });

  it('counts another field as a visit after the window came back', () => {
    const visits = new FieldVisits();
    visits.came('L9');
    visits.left('L9', true);
    expect(visits.came('L2')).toBe(true);
  });
});
