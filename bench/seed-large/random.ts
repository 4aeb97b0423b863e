import { createHash } from 'node:crypto';

/**
 * Deterministic randomness for the large seed: every value is a pure function of (seed, stream,
 * index), so a row can be regenerated in any pass (the call pass, the event pass) identically.
 */

/** A 32-bit hash of a few integers (murmur3's finaliser over a running mix). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    h = (h + Math.imul(p / 4294967296, 0x27d4eb2f)) | 0; // high bits of indexes above 2^32
  }
  return h >>> 0;
}

/** mulberry32: a small fast PRNG, seeded per row. */
export class Rng {
  private state: number;

  constructor(...seedParts: number[]) {
    this.state = hash32(...seedParts);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** One of `choices` by weight ([value, weight] pairs). */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [value, w] of choices) if ((x -= w) < 0) return value;
    return choices[choices.length - 1][0];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  hex(chars: number): string {
    let out = '';
    while (out.length < chars) out += hash32(this.int(0x7fffffff), out.length).toString(16).padStart(8, '0');
    return out.slice(0, chars);
  }
}

/** A version-4-shaped uuid fixed by its parts (MD5 of them: 128 bits, so millions of rows never collide). */
export function uuidOf(...parts: number[]): string {
  const w = createHash('md5').update(parts.join(',')).digest('hex');
  const variant = ((parseInt(w[16], 16) & 0x3) | 0x8).toString(16);
  return `${w.slice(0, 8)}-${w.slice(8, 12)}-4${w.slice(13, 16)}-${variant}${w.slice(17, 20)}-${w.slice(20, 32)}`;
}
