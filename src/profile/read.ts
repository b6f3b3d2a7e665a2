/**
 * Reading a spec input with bounds: only a regular file or stdin (`-`), at most MAX_SPEC_BYTES. Devices, FIFOs and
 * directories are refused before a byte is read (opened non-blocking, checked with fstat), so `/dev/zero`,
 * `/dev/urandom` or a FIFO nobody writes to end with a message instead of growing memory or hanging.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** The largest spec file read (the shipped profiles are under 8 KiB). */
export const MAX_SPEC_BYTES = 1024 * 1024;

/** The name a spec read from stdin is reported under. */
export const STDIN_NAME = '<stdin>';

/** Why an input could not be read: `missing` inputs (absent, unreadable) exit differently from unusable ones. */
export type SpecReadFailure = { readonly kind: 'missing' | 'unusable'; readonly message: string; readonly hint: string };

export type SpecRead = { readonly ok: true; readonly bytes: Buffer } | ({ readonly ok: false } & SpecReadFailure);

const tooLarge = (): SpecRead => ({ ok: false, kind: 'unusable', message: `is larger than ${MAX_SPEC_BYTES / 1024 / 1024} MiB`, hint: 'a spec is a small YAML file; check that this is the right file' });

/** Reads at most MAX_SPEC_BYTES from a stream (stdin); more is refused. */
async function readStream(stream: NodeJS.ReadableStream): Promise<SpecRead> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > MAX_SPEC_BYTES) return tooLarge();
    chunks.push(b);
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

function describeKind(stats: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Reads a spec input: `-` is stdin, anything else must be a regular file. Never throws for a bad input. */
export async function readSpecInput(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<SpecRead> {
  if (file === '-') return readStream(stdin);
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, kind: 'missing', message: 'does not exist', hint: 'give the path of a YAML spec file (or - for stdin)' };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, kind: 'missing', message: 'cannot be read (permission denied)', hint: 'check the file permissions' };
    return { ok: false, kind: 'missing', message: `cannot be opened (${code ?? String(err)})`, hint: 'give the path of a YAML spec file (or - for stdin)' };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      return { ok: false, kind: 'unusable', message: `is ${describeKind(stats)}, not a spec file`, hint: 'give a regular YAML file, or - to read the spec from stdin' };
    }
    if (stats.size > MAX_SPEC_BYTES) return tooLarge();
    // Read one byte more than the cap: a file that grows while being read is still refused.
    const buffer = Buffer.alloc(Math.min(stats.size, MAX_SPEC_BYTES) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > MAX_SPEC_BYTES) return tooLarge();
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, kind: code === 'EISDIR' ? 'unusable' : 'missing', message: `cannot be read (${code ?? String(err)})`, hint: 'give the path of a YAML spec file (or - for stdin)' };
  } finally {
    await handle.close();
  }
}
