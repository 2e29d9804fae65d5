/**
 * The portable backend's inner kernel in WebAssembly SIMD, assembled here byte by byte (no
 * toolchain needed). One exported function:
 *
 *   kernel(kc, mPanels, nPanels, aBase, bBase, cBase, ldcBytes)
 *
 * For every pair of a packed A panel (MR = 6 rows × kc, laid out [k][6]) and a packed B panel
 * (kc × 8 columns, laid out [k][8]) it accumulates the 6×8 tile Σ_k a[k][i]·b[k][j] in twelve f32x4
 * registers (row i, columns 0–3 and 4–7; with b and the broadcast a value that is 15 registers, so
 * nothing spills on x86-64) and stores it to cBase + (6·panelA + i)·ldcBytes + 32·panelB.
 * Summation runs over k in order, in float32.
 */

export const KERNEL_ROWS = 6;
export const KERNEL_COLUMNS = 8;

const MEMORY_PAGES = 32; // 2 MiB: packed A, packed B and the tile scratch (see portable.ts)

// Opcodes used (WebAssembly core + SIMD proposal).
const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  f32Load: 0x2a,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  simd: 0xfd,
  voidType: 0x40,
  i32: 0x7f,
  v128: 0x7b,
};
const SIMD = { load: 0, store: 11, const: 12, f32x4Splat: 19, f32x4Add: 228, f32x4Mul: 230 };

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];

// Locals: parameters 0–6, then i32 jp, ip, k, a, b, c (7–12), v128 acc0–11 (13–24), b0, b1, x (25–27).
const [KC, M_PANELS, N_PANELS, A_BASE, B_BASE, C_BASE, LDC] = [0, 1, 2, 3, 4, 5, 6];
const [JP, IP, K, A, B, C] = [7, 8, 9, 10, 11, 12];
const ROWS = Array.from({ length: KERNEL_ROWS }, (_, row) => row);
const ACC = Array.from({ length: 2 * KERNEL_ROWS }, (_, i) => 13 + i);
const [B0, B1, X] = [13 + 2 * KERNEL_ROWS, 14 + 2 * KERNEL_ROWS, 15 + 2 * KERNEL_ROWS];

const get = (local: number) => [OP.localGet, local];
const set = (local: number) => [OP.localSet, local];
const i32 = (value: number) => [OP.i32Const, ...sleb(value)];
const simd = (op: number, ...immediates: number[]) => [OP.simd, ...uleb(op), ...immediates];
const memarg = (offset: number, alignLog2: number) => [alignLog2, ...uleb(offset)];

/** `while (counter < limit) { body; counter++ }`, counter preset by the caller. */
function countedLoop(counter: number, limit: number, body: number[]): number[] {
  return [
    OP.block,
    OP.voidType,
    OP.loop,
    OP.voidType,
    ...get(counter),
    ...get(limit),
    OP.i32GeU,
    OP.brIf,
    1,
    ...body,
    ...get(counter),
    ...i32(1),
    OP.i32Add,
    ...set(counter),
    OP.br,
    0,
    OP.end,
    OP.end,
  ];
}

function rowUpdate(row: number): number[] {
  // x = splat(a[row]); acc[2·row] += x·b0; acc[2·row+1] += x·b1
  return [
    ...get(A),
    OP.f32Load,
    ...memarg(4 * row, 2),
    ...simd(SIMD.f32x4Splat),
    ...set(X),
    ...get(ACC[2 * row]!),
    ...get(X),
    ...get(B0),
    ...simd(SIMD.f32x4Mul),
    ...simd(SIMD.f32x4Add),
    ...set(ACC[2 * row]!),
    ...get(ACC[2 * row + 1]!),
    ...get(X),
    ...get(B1),
    ...simd(SIMD.f32x4Mul),
    ...simd(SIMD.f32x4Add),
    ...set(ACC[2 * row + 1]!),
  ];
}

function tileStore(row: number): number[] {
  // c = cBase + (MR·ip + row)·ldc + 32·jp; store acc[2·row] at c, acc[2·row+1] at c + 16
  return [
    ...get(C_BASE),
    ...get(IP),
    ...i32(KERNEL_ROWS),
    OP.i32Mul,
    ...i32(row),
    OP.i32Add,
    ...get(LDC),
    OP.i32Mul,
    OP.i32Add,
    ...get(JP),
    ...i32(32),
    OP.i32Mul,
    OP.i32Add,
    ...set(C),
    ...get(C),
    ...get(ACC[2 * row]!),
    ...simd(SIMD.store, ...memarg(0, 4)),
    ...get(C),
    ...get(ACC[2 * row + 1]!),
    ...simd(SIMD.store, ...memarg(16, 4)),
  ];
}

const zero = simd(SIMD.const, ...new Array(16).fill(0));

const innerK = [
  ...get(B),
  ...simd(SIMD.load, ...memarg(0, 4)),
  ...set(B0),
  ...get(B),
  ...simd(SIMD.load, ...memarg(16, 4)),
  ...set(B1),
  ...ROWS.flatMap(rowUpdate),
  ...get(A),
  ...i32(4 * KERNEL_ROWS),
  OP.i32Add,
  ...set(A),
  ...get(B),
  ...i32(32),
  OP.i32Add,
  ...set(B),
];

const panelPair = [
  // a = aBase + ip·kc·4·MR; b = bBase + jp·kc·32; acc = 0
  ...get(A_BASE),
  ...get(IP),
  ...get(KC),
  OP.i32Mul,
  ...i32(4 * KERNEL_ROWS),
  OP.i32Mul,
  OP.i32Add,
  ...set(A),
  ...get(B_BASE),
  ...get(JP),
  ...get(KC),
  OP.i32Mul,
  ...i32(32),
  OP.i32Mul,
  OP.i32Add,
  ...set(B),
  ...ACC.flatMap((acc) => [...zero, ...set(acc)]),
  ...i32(0),
  ...set(K),
  ...countedLoop(K, KC, innerK),
  ...ROWS.flatMap(tileStore),
];

const body = [
  ...i32(0),
  ...set(JP),
  ...countedLoop(JP, N_PANELS, [...i32(0), ...set(IP), ...countedLoop(IP, M_PANELS, panelPair)]),
  OP.end,
];
const locals = vector([
  [6, OP.i32],
  [2 * KERNEL_ROWS + 3, OP.v128],
]);
const code = [...locals, ...body];

const moduleBytes = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  ...section(1, vector([[0x60, ...vector(new Array(7).fill([OP.i32])), 0x00]])), // type: (i32 × 7) → ()
  ...section(3, vector([[0]])), // function 0 has type 0
  ...section(5, vector([[0x00, ...uleb(MEMORY_PAGES)]])), // one memory, min pages
  ...section(
    7,
    vector([
      [...vector([...'kernel'].map((ch) => [ch.charCodeAt(0)])), 0x00, 0],
      [...vector([...'memory'].map((ch) => [ch.charCodeAt(0)])), 0x02, 0],
    ]),
  ),
  ...section(10, vector([[...uleb(code.length), ...code]])),
]);

export interface SimdKernel {
  memory: WebAssembly.Memory;
  kernel(kc: number, mPanels: number, nPanels: number, aBase: number, bBase: number, cBase: number, ldcBytes: number): void;
}

export const SIMD_MEMORY_BYTES = MEMORY_PAGES * 65536;

/** Instantiates the kernel (WebAssembly SIMD is part of every Node version this project supports). */
export function loadSimdKernel(): SimdKernel {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes));
  const { kernel, memory } = instance.exports as unknown as SimdKernel;
  return { kernel, memory };
}
