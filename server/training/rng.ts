/**
 * Random numbers for the seeded init and the data split. Well defined, so any implementation can
 * reproduce them; not bit-identical to torch (docs/ARCHITECTURE.md §5.7 says why that cannot be expected).
 *
 * - Mt19937: the 32-bit Mersenne Twister (Matsumoto & Nishimura 1998), seeded with init_genrand(seed),
 *   the same generator and seeding that torch's CPU generator uses.
 * - uniform53(): genrand_res53, a double in [0, 1) from two 32-bit outputs: (a>>>5 · 2^26 + b>>>6) / 2^53.
 * - NormalStream: Box–Muller on pairs of uniform53 values, u1 taken as 1 − uniform53 ∈ (0, 1]:
 *   r = √(−2 ln u1), θ = 2π u2, outputs r·cos θ then r·sin θ.
 * - permutation(n): Fisher–Yates from the end (i = n−1 … 1, j uniform in 0…i), with j drawn by
 *   rejection from 32-bit outputs so it is unbiased.
 */
export class Mt19937 {
  private readonly state = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    this.state[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.state[i - 1]! ^ (this.state[i - 1]! >>> 30);
      // 1812433253 · prev + i, modulo 2^32, split to stay exact in doubles
      this.state[i] = ((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i;
    }
  }

  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  uniform53(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform integer in 0…bound−1 (bound ≤ 2^32), unbiased by rejection. */
  below(bound: number): number {
    const limit = Math.floor(4294967296 / bound) * bound;
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % bound;
    }
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < 624; i++) {
      const y = (s[i]! & 0x80000000) | (s[(i + 1) % 624]! & 0x7fffffff);
      s[i] = s[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }
}

export class NormalStream {
  private spare: number | null = null;

  constructor(private readonly rng: Mt19937) {}

  next(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.rng.uniform53()));
    const angle = 2 * Math.PI * this.rng.uniform53();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

export function permutation(n: number, rng: Mt19937): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const tmp = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = tmp;
  }
  return perm;
}
