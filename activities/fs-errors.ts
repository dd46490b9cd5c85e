/**
 * Which file-system errors on a landing file or folder are the file's fault and stay until a
 * person acts (a reject, with the reason and what to do), and which are the share's and may mend
 * on their own (thrown, so the workflow's policy retries the step). An unknown code is retried:
 * a retry costs minutes, a wrong reject costs a night's data.
 */
import { sourceFolderList } from '../core/source-folders.js';

/** Codes that no retry can mend, with what a data officer should do, worded for `the file` or `the folder`. */
const PERMANENT: Record<string, (what: string) => string> = {
  EACCES: (what) => `the worker cannot read ${what} (permission denied); give the account that runs csc-kpi read access to it`,
  EPERM: (what) => `the worker is not permitted to read ${what} (operation not permitted); give the account that runs csc-kpi read access to it`,
  EISDIR: (what) => `${what} is a folder where a file was expected; put extract files directly in the source folder`,
  ENOTDIR: (what) =>
    what === 'the folder'
      ? `a file stands where the source folder should be; the landing folder needs ${sourceFolderList()} as folders`
      : 'a part of the file’s path is not a folder; put extract files directly in the source folder',
  ELOOP: (what) => `${what} is a symbolic link that leads to itself (a loop); copy the real file into the landing folder instead`,
  ENAMETOOLONG: (what) => `the path of ${what} is too long for the file system; rename it`,
  ENXIO: (what) => `${what} is a device or pipe, not a file; put extract files directly in the source folder`,
  ENODEV: (what) => `${what} is a device, not a file; put extract files directly in the source folder`,
};

export function errnoCode(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** The reject reason for a permanent error, or null for one that should be retried. */
export function permanentFsReason(err: unknown, what: 'the file' | 'the folder'): string | null {
  const code = errnoCode(err);
  const reason = code ? PERMANENT[code] : undefined;
  return reason ? `${reason(what)} (${code})` : null;
}
