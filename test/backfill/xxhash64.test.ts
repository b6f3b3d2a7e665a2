import { describe, expect, it } from 'vitest';
import { xxhash64 } from '../../src/backfill/xxhash64.js';

describe('xxhash64', () => {
  // The test vectors of github.com/cespare/xxhash/v2 (xxhash_test.go, seed 0): short inputs, the 4- and 8-byte tails,
  // and a 63-byte input that runs the 32-byte stripes.
  it.each([
    ['', 0xef46db3751d8e999n],
    ['a', 0xd24ec4f1a98c6e5bn],
    ['as', 0x1c330fb2d66be179n],
    ['asd', 0x631c37ce72a97393n],
    ['asdf', 0x415872f599cea71en],
    ['Call me Ishmael. Some years ago--never mind how long precisely-', 0x02a2e85470d6fd96n],
  ])('%j', (s, want) => {
    expect(xxhash64(new TextEncoder().encode(s)).toString(16)).toBe(want.toString(16));
  });
});
