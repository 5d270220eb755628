import { describe, expect, it } from 'vitest';

import { lineForJump, moveForKey, nextIndex, previousIndex } from './navigation';

const lines = [
  { id: 'L1', row: null },
  { id: 'L3a', row: null },
  { id: 'L5b', row: null },
  { id: 'L8.1', row: { number: 1 } },
  { id: 'L8.2', row: { number: 2 } },
  { id: 'L8.12', row: { number: 12 } },
  { id: 'L9', row: null },
];

describe('keys in a field', () => {
  it('Enter and ↓ go on, ↑ goes back, Ctrl+G jumps', () => {
    expect(moveForKey('Enter', false)).toBe('next');
    expect(moveForKey('ArrowDown', false)).toBe('next');
    expect(moveForKey('ArrowUp', false)).toBe('previous');
    expect(moveForKey('g', true)).toBe('jump');
    expect(moveForKey('G', true)).toBe('jump');
  });

  it('leaves every other key to the field', () => {
    expect(moveForKey('5', false)).toBeNull();
    expect(moveForKey('Tab', false)).toBeNull();
    expect(moveForKey('Enter', true)).toBeNull();
    expect(moveForKey('g', false)).toBeNull();
  });

  it('stops at the first and the last field', () => {
    expect(nextIndex(0, 3)).toBe(1);
    expect(nextIndex(2, 3)).toBe(2);
    expect(previousIndex(1)).toBe(0);
    expect(previousIndex(0)).toBe(0);
  });
});

describe('go to a line', () => {
  it('a bare number is a row of the row block', () => {
    expect(lineForJump('2', lines)).toBe('L8.2');
    expect(lineForJump(' 12 ', lines)).toBe('L8.12');
  });

  it('anything else is a line id, with or without its L', () => {
    expect(lineForJump('5b', lines)).toBe('L5b');
    expect(lineForJump('l3A', lines)).toBe('L3a');
    expect(lineForJump('L9', lines)).toBe('L9');
  });

  it('is null when nothing fits', () => {
    expect(lineForJump('', lines)).toBeNull();
    expect(lineForJump('40', lines)).toBeNull();
    expect(lineForJump('L77', lines)).toBeNull();
  });
});
