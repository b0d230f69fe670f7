import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';

/** Where the CSV comes from: a file path, or a stream (e.g. stdin) with the name used in messages. */
export type CsvSource = { path: string } | { stream: NodeJS.ReadableStream; name: string };

/** The raw bytes of the input, with its first bytes already read for sniffing. */
export interface ByteSource {
  /** The file as messages name it: the basename of the path, or the stream's name. */
  readonly name: string;
  readonly totalBytes: number | undefined;
  /** The first bytes of the input (up to the requested size; fewer only when the input is shorter). */
  readonly head: Buffer;
  /** True when `head` is the whole input. */
  readonly atEof: boolean;
  /** The input from byte `skip` on (head included), pulled only as it is read; call once. */
  stream(skip: number): Readable;
  /** Bytes handed on to the decoder or parser so far, head included once streamed. */
  bytesRead(): number;
  /** Stops reading and releases the file handle; idempotent. */
  close(): Promise<void>;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * Opens the input and reads its first `headBytes` bytes. `endByte` limits reading to bytes [0, endByte), for a
 * file that is still being appended to. Throws InputError 'INPUT_UNREADABLE' when the file cannot be opened.
 */
export async function openByteSource(
  source: CsvSource,
  headBytes: number,
  endByte: number | undefined,
): Promise<ByteSource> {
  const opened = 'path' in source ? await openFile(source.path, endByte) : openStream(source);
  const { name, raw, isFile } = opened;
  const chunks = limited(raw, endByte);
  let consumed = 0;
  let streamed = false;
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Ending the generator first stops Readable.from from pulling once more from a destroyed stream.
      void chunks.return(undefined).catch(() => undefined);
      raw.destroy();
      // A file stream emits 'close' once its descriptor is released; a caller's stream may never emit it.
      if (isFile && !raw.closed) await new Promise((resolve) => raw.once('close', resolve));
    })();
    return closing;
  };

  const parts: Buffer[] = [];
  let size = 0;
  let atEof = false;
  try {
    while (size < headBytes) {
      const next = await chunks.next();
      if (next.done === true) {
        atEof = true;
        break;
      }
      parts.push(next.value);
      size += next.value.length;
    }
  } catch (error) {
    await close();
    throw unreadable(name, error);
  }
  const head = Buffer.concat(parts, size);

  return {
    name,
    totalBytes: opened.size === undefined ? undefined : Math.min(opened.size, endByte ?? Infinity),
    head,
    atEof,
    bytesRead: () => consumed,
    close,
    stream(skip) {
      if (streamed) throw new Error('ByteSource.stream() may be called once');
      streamed = true;
      async function* rest(): AsyncGenerator<Buffer> {
        consumed = head.length;
        if (head.length > skip) yield head.subarray(skip);
        for (;;) {
          const next = await chunks.next();
          if (next.done === true) return;
          consumed += next.value.length;
          yield next.value;
        }
      }
      return Readable.from(rest(), { objectMode: false, highWaterMark: CHUNK_BYTES });
    },
  };
}

/** An input error for a file that cannot be read, with the reason in words users know. */
export function unreadable(name: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    ENOTDIR: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a directory',
  };
  const reason =
    (code === undefined ? undefined : reasons[code]) ??
    code ??
    (error instanceof Error ? error.message : String(error));
  return new InputError(`cannot read ${name}: ${reason}`, 'INPUT_UNREADABLE', { cause: error });
}

interface Opened {
  name: string;
  raw: Readable;
  size: number | undefined;
  isFile: boolean;
}

async function openFile(path: string, endByte: number | undefined): Promise<Opened> {
  const name = basename(path);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw unreadable(name, error);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const end = endByte !== undefined && endByte > 0 ? endByte - 1 : undefined; // `end` is inclusive
    const raw = handle.createReadStream({ start: 0, end, highWaterMark: CHUNK_BYTES, autoClose: true });
    return { name, raw, size: stat.isFile() ? stat.size : undefined, isFile: true };
  } catch (error) {
    await handle.close();
    throw unreadable(name, error);
  }
}

function openStream(source: { stream: NodeJS.ReadableStream; name: string }): Opened {
  const raw = source.stream instanceof Readable ? source.stream : new Readable().wrap(source.stream);
  return { name: source.name, raw, size: undefined, isFile: false };
}

/** The stream's chunks as Buffers, cut at `endByte`. */
async function* limited(raw: Readable, endByte: number | undefined): AsyncGenerator<Buffer, void, undefined> {
  let remaining = endByte ?? Infinity;
  if (remaining <= 0) return;
  for await (const chunk of raw) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (buffer.length >= remaining) {
      yield buffer.subarray(0, remaining);
      return;
    }
    remaining -= buffer.length;
    yield buffer;
  }
}
