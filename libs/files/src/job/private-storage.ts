import { chmodSync, mkdirSync } from 'node:fs';
import { UploadStore } from '../upload-store';

/**
 * An upload store in a directory only the service's user can enter (mode 0700): created if missing,
 * tightened if it exists with a wider mode. Raw uploads hold ID numbers, names and amounts.
 */
export function privateUploadStore(dir: string): UploadStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return new UploadStore(dir);
}
