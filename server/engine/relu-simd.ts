/**
 * ReLU over float32 buffers that live in a WebAssembly memory, with 128-bit SIMD: V8 does not
 * vectorise JS loops, and the ReLU over [N, d_mlp] activations is otherwise ~1 ns per value.
 * Same bit operation as the scalar relu in model.ts, four lanes at a time:
 *   bits ← bits & ~(bits >> 31)   (arithmetic shift: a set sign bit, negative or −0, clears the word)
 * One tiny module, assembled byte by byte like gemm/simd-kernel.ts; one instance per buffer.
 */

// relu(begin, end): for byte addresses begin, begin + 16, … < end (end − begin a multiple of 16)
// prettier-ignore
const body = [
  0x00, // no locals besides the parameters begin (0), end (1)
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 0x00, 0x20, 0x01, 0x4f, 0x0d, 0x01, //   if begin ≥u end: break out
  0x20, 0x00, //   (store address) begin
  0x20, 0x00, 0xfd, 0x00, 0x02, 0x00, //   v = v128.load begin (align 4)
  0x20, 0x00, 0xfd, 0x00, 0x02, 0x00, 0x41, 0x1f, 0xfd, 0xac, 0x01, //   s = i32x4.shr_s(v128.load begin, 31)
  0xfd, 0x4f, //   v128.andnot(v, s) = v & ~s
  0xfd, 0x0b, 0x02, 0x00, //   v128.store begin
  0x20, 0x00, 0x41, 0x10, 0x6a, 0x21, 0x00, //   begin += 16
  0x0c, 0x00, //   continue the loop
  0x0b, 0x0b, 0x0b, // end loop, end block, end function
];
// prettier-ignore
const moduleBytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x06, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00, // type section: (i32, i32) → ()
  0x02, 0x0f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x01, // import env.memory, ≥ 1 page
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x07, 0x08, 0x01, 0x04, 0x72, 0x65, 0x6c, 0x75, 0x00, 0x00, // export "relu" = function 0
  0x0a, body.length + 2, 0x01, body.length, ...body, // code section (sizes < 128: one-byte LEB128)
]);

let compiled: WebAssembly.Module | null | undefined;
function reluModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes);
    } catch {
      compiled = null; // no WebAssembly SIMD: callers fall back to the scalar loop
    }
  }
  return compiled;
}

/** The SIMD relu of each buffer allocated by simdFloat32Array. */
const kernels = new WeakMap<ArrayBufferLike, (begin: number, end: number) => void>();

/** A zeroed Float32Array of `length` values, in its own WebAssembly memory when SIMD is available. */
export function simdFloat32Array(length: number): Float32Array {
  const module = reluModule();
  if (!module) return new Float32Array(length);
  const pages = Math.max(1, Math.ceil((length * 4) / 65536));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  kernels.set(memory.buffer, instance.exports.relu as (begin: number, end: number) => void);
  return new Float32Array(memory.buffer, 0, length);
}

/**
 * ReLU on x[0 … n) with SIMD when x lies in a simdFloat32Array's memory and starts 4-byte aligned;
 * returns how many leading values it did (a multiple of 4, or 0), leaving the rest to the caller.
 */
export function simdRelu(x: Float32Array, n: number): number {
  const kernel = kernels.get(x.buffer);
  if (!kernel) return 0;
  const done = n & ~3;
  kernel(x.byteOffset, x.byteOffset + 4 * done);
  return done;
}
