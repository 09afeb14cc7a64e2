/**
 * Minimal PNG reader/writer for gain maps, with node:zlib: 8/16-bit grayscale or RGB (colour types
 * 0 and 2, no interlace, no palette), all five row filters on read; writes 16-bit with filter 0.
 */
import { constants as bufferConstants } from 'node:buffer';
import { deflateSync, inflateSync } from 'node:zlib';
import { CalibrationFileError, crc32 } from './ledcal-format.js';

export interface PngImage {
  readonly width: number;
  readonly height: number;
  /** 1 (gray) or 3 (RGB). */
  readonly channels: 1 | 3;
  readonly bitDepth: 8 | 16;
  /** Interleaved samples, row-major. */
  readonly data: Uint16Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function decodePng(bytes: Buffer, file: string): PngImage {
  const fail = (field: string, reason: string): never => {
    throw new CalibrationFileError(file, field, reason);
  };
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(SIGNATURE)) fail('signature', 'expected a PNG file');
  let pos = 8;
  let ihdr: Buffer | null = null;
  const idat: Buffer[] = [];
  while (pos + 12 <= bytes.length) {
    const len = bytes.readUInt32BE(pos);
    const type = bytes.subarray(pos + 4, pos + 8).toString('latin1');
    if (pos + 12 + len > bytes.length) fail(type, 'chunk runs past the end of the file (truncated)');
    const body = bytes.subarray(pos + 8, pos + 8 + len);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + len)) !== bytes.readUInt32BE(pos + 8 + len)) fail(type, 'CRC mismatch (corrupt chunk)');
    if (type === 'IHDR') ihdr = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!ihdr) return fail('IHDR', 'missing');
  if (ihdr.length !== 13) fail('IHDR', `expected 13 bytes, got ${ihdr.length}`);
  const width = ihdr.readUInt32BE(0), height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8]!, colourType = ihdr[9]!, interlace = ihdr[12]!;
  if (bitDepth !== 8 && bitDepth !== 16) fail('IHDR.bitDepth', `expected 8 or 16, got ${bitDepth}`);
  if (colourType !== 0 && colourType !== 2) fail('IHDR.colourType', `expected 0 (gray) or 2 (RGB), got ${colourType}`);
  if (interlace !== 0) fail('IHDR.interlace', 'expected 0 (interlaced PNGs are not supported)');
  if (width < 1 || height < 1 || width > 32768 || height > 32768) fail('IHDR', `size ${width}x${height} out of range 1..32768`);
  const channels = colourType === 0 ? 1 : 3;
  const bpp = (channels * bitDepth) / 8;
  const stride = width * bpp;
  let raw: Buffer;
  // Inflate no more than the image holds: a small IDAT that inflates to gigabytes is refused early.
  const expected = height * (stride + 1);
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: Math.min(expected, bufferConstants.MAX_LENGTH) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return fail('IDAT', `inflates to more than the ${expected} bytes a ${width}x${height} image holds`);
    return fail('IDAT', `cannot inflate (${(err as Error).message})`);
  }
  if (raw.length < expected) fail('IDAT', `expected ${expected} bytes of image data, got ${raw.length}`);
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? out.subarray((y - 1) * stride, y * stride) : null;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp]! : 0, b = prev ? prev[i]! : 0, c = prev && i >= bpp ? prev[i - bpp]! : 0;
      let v = line[i]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) fail(`row ${y}`, `unknown filter type ${filter}`);
      row[i] = v & 0xff;
    }
  }
  const data = new Uint16Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = bitDepth === 16 ? out.readUInt16BE(2 * i) : out[i]!;
  return { width, height, channels, bitDepth: bitDepth as 8 | 16, data };
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** A 16-bit gray (channels 1) or RGB (channels 3) PNG. */
export function encodePng16(width: number, height: number, channels: 1 | 3, data: ArrayLike<number>): Buffer {
  const stride = width * channels * 2;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * channels; i++) raw.writeUInt16BE(data[y * width * channels + i]!, y * (stride + 1) + 1 + 2 * i);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 16;
  ihdr[9] = channels === 1 ? 0 : 2;
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
