/**
 * IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
 *
 *   bytes 0-1  zero
 *   byte  2    element type (0x08 = unsigned byte, the only one used for images and labels)
 *   byte  3    number of dimensions d
 *   4 * d      big-endian uint32 sizes, then the elements in row-major order
 *
 * Every problem is reported as a one-line UserError naming the file. Parsing is pure (bytes in,
 * arrays out); reading files, gzip-compressed or not, is idx_file.ts's (Node).
 */
import { UserError } from '../util/errors.js';

const typeNames: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

export interface IdxArray {
  dims: number[];
  /** Elements in row-major order (unsigned bytes). */
  data: Uint8Array;
}

/** Parses the bytes of an IDX file; `name` is used in error messages. */
export function parseIdx(buf: Uint8Array, name: string): IdxArray {
  if (buf.length < 4) throw new UserError(`${name}: not an IDX file (only ${buf.length} bytes)`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    const magic = Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new UserError(`${name}: not an IDX file (magic bytes ${magic}, expected 00 00 08 <dims>)`);
  }
  const type = buf[2];
  if (type !== 0x08) {
    const t = typeNames[type] ? `${typeNames[type]} (0x${type.toString(16)})` : `unknown type 0x${type.toString(16)}`;
    throw new UserError(`${name}: IDX element type ${t} is not supported; expected unsigned bytes (0x08)`);
  }
  const ndims = buf[3];
  if (ndims < 1 || ndims > 4) throw new UserError(`${name}: IDX file has ${ndims} dimensions; expected 1 to 4`);
  const header = 4 + 4 * ndims;
  if (buf.length < header) throw new UserError(`${name}: truncated IDX header (${buf.length} bytes)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = header + count;
  if (buf.length !== expected) {
    const what = buf.length < expected ? 'truncated' : 'has trailing bytes';
    throw new UserError(
      `${name}: ${what}: header says ${dims.join('x')} = ${count} bytes of data, file holds ${buf.length - header}`,
    );
  }
  return { dims, data: buf.subarray(header) };
}

/** Encodes an unsigned-byte IDX file (used by tests and to export data). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return out;
}

export interface IdxImages {
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** [n, h, w, c] in [0, 1] */
  pixels: Float32Array;
  labels?: Int32Array;
}

/**
 * Turns an image IDX array ([n, h, w] or [n, h, w, c] with c = 1 or 3) and an optional
 * label array ([n]) into [0, 1] pixels and int32 labels.
 */
export function idxToImages(images: IdxArray, imagesName: string, labels?: IdxArray, labelsName?: string): IdxImages {
  const d = images.dims;
  const ok = d.length === 3 || (d.length === 4 && (d[3] === 1 || d[3] === 3));
  if (!ok) throw new UserError(`${imagesName}: IDX shape ${d.join('x')} is not images; expected [n, h, w] or [n, h, w, 1|3]`);
  const [n, height, width] = d;
  const channels = (d.length === 4 ? d[3] : 1) as 1 | 3;
  if (n === 0) throw new UserError(`${imagesName}: holds no images`);
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  let lab: Int32Array | undefined;
  if (labels) {
    if (labels.dims.length !== 1) {
      throw new UserError(`${labelsName}: IDX shape ${labels.dims.join('x')} is not a label vector; expected [n]`);
    }
    if (labels.dims[0] !== n) {
      throw new UserError(`${labelsName}: holds ${labels.dims[0]} labels but ${imagesName} holds ${n} images`);
    }
    lab = Int32Array.from(labels.data);
  }
  return { n, height, width, channels, pixels, labels: lab };
}
