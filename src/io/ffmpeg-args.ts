/**
 * Every ffmpeg command line ledpipe runs is built here, as an argument array for spawn (never a
 * shell string), so quoting, file names with spaces and option order have one owner.
 */
import path from 'node:path';
import type { PixelFormat } from '../pipeline/frame.js';

// -nostdin only turns off ffmpeg's keyboard interaction; `-i pipe:0` still reads stdin.
const COMMON = ['-hide_banner', '-nostdin', '-nostats'];

export interface DecodeArgsOptions {
  /** A file, URL, image, or '-' for stdin. */
  readonly input: string;
  readonly pixFmt: PixelFormat;
  /** Read the input at its native frame rate (live playback of a file). */
  readonly nativeRate?: boolean;
  /** Where the raw frames go: 'pipe:1' or a FIFO path. */
  readonly output?: string;
}

/** Decode the first video stream to headerless interleaved RGB. */
export function decodeArgs(o: DecodeArgsOptions): string[] {
  return [
    ...COMMON,
    '-loglevel', 'info',
    ...(o.nativeRate ? ['-re'] : []),
    '-i', o.input === '-' ? 'pipe:0' : o.input,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-f', 'rawvideo', '-pix_fmt', o.pixFmt,
    '-y', o.output ?? 'pipe:1',
  ];
}

export interface RawInput {
  readonly width: number;
  readonly height: number;
  readonly pixFmt: PixelFormat;
  readonly fps: number;
}

function rawInputArgs(r: RawInput): string[] {
  return ['-f', 'rawvideo', '-pix_fmt', r.pixFmt, '-video_size', `${r.width}x${r.height}`, '-framerate', fpsArg(r.fps), '-i', 'pipe:0'];
}

function fpsArg(fps: number): string {
  // ffmpeg takes rationals; 59.94-style rates stay exact as 60000/1001.
  for (const base of [24, 30, 60, 120, 240]) {
    if (Math.abs(fps - (base * 1000) / 1001) < 1e-3) return `${base * 1000}/1001`;
  }
  return Number.isInteger(fps) ? String(fps) : fps.toFixed(6);
}

export type StreamFormat = 'nut' | 'y4m';

/** Wrap raw frames from our stdin into a self-describing stream on ffmpeg's stdout (inherited). */
export function muxArgs(r: RawInput, format: StreamFormat): string[] {
  const codec = format === 'nut' ? ['-c:v', 'rawvideo', '-f', 'nut'] : ['-pix_fmt', r.pixFmt === 'rgb24' ? 'yuv444p' : 'yuv444p16', '-strict', '-1', '-f', 'yuv4mpegpipe'];
  return [...COMMON, '-loglevel', 'error', ...rawInputArgs(r), ...codec, 'pipe:1'];
}

/** How a file extension is encoded; `lossless` tells the CLI whether to warn. */
export interface Encoding {
  readonly args: readonly string[];
  readonly lossless: boolean;
  readonly image: boolean;
}

const IMAGE_EXTS = new Set(['.png', '.tif', '.tiff', '.bmp', '.jpg', '.jpeg', '.webp', '.exr', '.dpx', '.ppm', '.pgm', '.tga']);

/** Codec choices by extension: lossless where the container allows it, 16 bit kept where the codec can. */
export function encodingFor(file: string, pixFmt: PixelFormat): Encoding {
  const ext = path.extname(file).toLowerCase();
  const deep = pixFmt === 'rgb48le';
  switch (ext) {
    case '.mkv':
      return { args: ['-c:v', 'ffv1', '-level', '3', '-pix_fmt', deep ? 'gbrp16le' : 'gbrp', '-f', 'matroska'], lossless: true, image: false };
    case '.nut':
      return { args: ['-c:v', 'rawvideo', '-f', 'nut'], lossless: true, image: false };
    case '.y4m':
      return { args: ['-pix_fmt', deep ? 'yuv444p16' : 'yuv444p', '-strict', '-1', '-f', 'yuv4mpegpipe'], lossless: false, image: false };
    case '.mp4':
    case '.mov':
    case '.m4v':
      return { args: ['-c:v', 'libx264', '-preset', 'medium', '-crf', '16', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', ext === '.mov' ? 'mov' : 'mp4'], lossless: false, image: false };
    case '.rgb':
    case '.raw':
      return { args: ['-f', 'rawvideo'], lossless: true, image: false };
    case '.png':
      return { args: ['-c:v', 'png', '-pix_fmt', deep ? 'rgb48be' : 'rgb24', '-f', 'image2'], lossless: true, image: true };
    case '.tif':
    case '.tiff':
      return { args: ['-c:v', 'tiff', '-pix_fmt', deep ? 'rgb48le' : 'rgb24', '-f', 'image2'], lossless: true, image: true };
    default:
      // Let ffmpeg pick the muxer and codec from the extension; it names what it cannot do.
      return { args: IMAGE_EXTS.has(ext) ? ['-f', 'image2'] : [], lossless: false, image: IMAGE_EXTS.has(ext) };
  }
}

/** True for image2 patterns such as frame%04d.png, which write one file per frame. */
export function isImagePattern(file: string): boolean {
  return /%0?\d*d/.test(path.basename(file));
}

/** Encode raw frames from our stdin into `file` (a temporary name; the caller renames it). */
export function encodeArgs(r: RawInput, file: string, encoding: Encoding, singleImage: boolean): string[] {
  return [...COMMON, '-loglevel', 'error', ...rawInputArgs(r), ...encoding.args, ...(singleImage ? ['-update', '1'] : []), '-y', file];
}
