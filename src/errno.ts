/** System error codes (ENOENT, ENOSPC…) in words, for one-line messages. */

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'I/O error',
  EPIPE: 'the reader closed the pipe',
  EBUSY: 'resource busy',
  ETXTBSY: 'text file busy',
  EBADF: 'bad file descriptor',
};

/** True when `code` is a file-system error this module can describe. */
export function isKnownErrno(code: string): boolean {
  return ERRNO_TEXT[code] !== undefined;
}

/** "no space left on device (ENOSPC)". */
export function describeErrno(code: string): string {
  return `${ERRNO_TEXT[code] ?? 'system error'} (${code})`;
}
