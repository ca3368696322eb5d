// The README reader used by the delivery tests must find a section and stop at the next one.
import { describe, expect, test } from 'vitest';
import { section } from './readme.js';

const README = '### 1. First\n\ntext one\n\n### 2. Next\n\ntext two\n';

describe('README reader', () => {
  test('a section ends at the next level-3 heading', () => {
    expect(section(README, '### 1.')).toBe('### 1. First\n\ntext one\n');
    expect(section(README, '### 2.')).toBe('### 2. Next\n\ntext two\n');
    expect(() => section(README, '### 9.')).toThrow();
  });
});
