import { depthExceeds } from './webhook-ingest.service';

const nest = (levels: number, leaf: unknown = 1, kind: 'object' | 'array' = 'object'): unknown => {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = kind === 'object' ? { k: v } : [v];
  return v;
};

describe('depthExceeds', () => {
  it.each<[string, unknown, number, boolean]>([
    ['a number', 5, 1, false],
    ['null', null, 1, false],
    ['a string', 'x', 1, false],
    ['empty object at limit 1', {}, 1, false],
    ['one object in an object at limit 1', { a: {} }, 1, true],
    ['one object in an object at limit 2', { a: {} }, 2, false],
    ['64 nested objects at limit 64', nest(64), 64, false],
    ['65 nested objects at limit 64', nest(65), 64, true],
    ['65 nested arrays at limit 64', nest(65, 1, 'array'), 64, true],
    ['64 nested arrays at limit 64', nest(64, 1, 'array'), 64, false],
    ['deep branch after a shallow sibling', { a: 1, b: [{ c: 2 }], d: nest(5) }, 5, true],
    ['wide but shallow', { list: Array.from({ length: 5000 }, (_, i) => ({ i, w: [i] })) }, 4, false],
    ['mixed arrays and objects', [{ a: [{ b: [{}] }] }], 6, false],
    ['mixed arrays and objects, one level short', [{ a: [{ b: [{}] }] }], 5, true],
  ])('%s', (_name, value, limit, expected) => {
    expect(depthExceeds(value, limit)).toBe(expected);
  });

  it('a hostile 100,000 levels answers without overflowing the stack', () => {
    expect(depthExceeds(nest(100_000), 64)).toBe(true);
  });
});
