/**
 * safetensors encoding (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data. Header padded with spaces to an 8-byte boundary, as the Python writer does.
 */
import { open, readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.ts';

export type DType = 'F32' | 'F64' | 'I32' | 'I64' | 'BOOL';

export interface Tensor {
  dtype: DType;
  shape: number[];
  /** Row-major values. BOOL tensors use a Uint8Array of 0/1; I64 a BigInt64Array. */
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

export type TensorMap = Record<string, Tensor>;

const BYTES: Record<DType, number> = { F32: 4, F64: 8, I32: 4, I64: 8, BOOL: 1 };

export function f32(shape: number[], data: Float32Array): Tensor {
  return { dtype: 'F32', shape, data };
}

export function encodeSafetensors(tensors: TensorMap, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) {
      throw new Error(`tensor ${name}: shape [${tensor.shape}] holds ${count} values but data has ${tensor.data.length}`);
    }
    const bytes = count * BYTES[tensor.dtype];
    header[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let headerText = JSON.stringify(header);
  headerText += ' '.repeat((8 - (Buffer.byteLength(headerText) % 8)) % 8);
  const headerBytes = Buffer.from(headerText, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of Object.values(tensors)) {
    const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    out.set(bytes, position);
    position += bytes.length;
  }
  return out;
}

export function decodeSafetensors(file: Uint8Array): { tensors: TensorMap; metadata: Record<string, string> } {
  if (file.length < 8) throw new Error('not a safetensors file: shorter than its 8-byte header length');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > file.length) throw new Error('not a safetensors file: header runs past the end');
  const header = JSON.parse(Buffer.from(file.subarray(8, 8 + headerLength)).toString('utf8')) as Record<
    string,
    { dtype: DType; shape: number[]; data_offsets: [number, number] }
  >;
  const dataStart = 8 + headerLength;
  const tensors: TensorMap = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as unknown as Record<string, string>;
      continue;
    }
    const [start, end] = entry.data_offsets;
    if (!(entry.dtype in BYTES)) throw new Error(`tensor ${name}: unsupported dtype ${entry.dtype}`);
    if (dataStart + end > file.length) throw new Error(`tensor ${name}: data runs past the end of the file`);
    // Copy (a Buffer's slice() would share memory) so the typed array is aligned and owns its bytes.
    const bytes = new Uint8Array(file.subarray(dataStart + start, dataStart + end));
    const data =
      entry.dtype === 'F32'
        ? new Float32Array(bytes.buffer)
        : entry.dtype === 'F64'
          ? new Float64Array(bytes.buffer)
          : entry.dtype === 'I32'
            ? new Int32Array(bytes.buffer)
            : entry.dtype === 'I64'
              ? new BigInt64Array(bytes.buffer)
              : bytes;
    tensors[name] = { dtype: entry.dtype, shape: entry.shape, data };
  }
  return { tensors, metadata };
}

export async function readSafetensors(path: string) {
  return decodeSafetensors(await readFile(path));
}

/** The header's `__metadata__` alone, without reading the tensors (e.g. an optimizer state's step count). */
export async function readSafetensorsMetadata(path: string): Promise<Record<string, string>> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Buffer.alloc(8);
    await handle.read(length, 0, 8, 0);
    const headerLength = Number(length.readBigUInt64LE(0));
    if (size < 8 || 8 + headerLength > size) throw new Error(`${path}: not a safetensors file: its header runs past the end`);
    const header = Buffer.alloc(headerLength);
    await handle.read(header, 0, headerLength, 8);
    return (JSON.parse(header.toString('utf8')) as { __metadata__?: Record<string, string> }).__metadata__ ?? {};
  } finally {
    await handle.close();
  }
}

export function writeSafetensors(path: string, tensors: TensorMap, metadata?: Record<string, string>) {
  return writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
