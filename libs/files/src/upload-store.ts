import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredFile {
  path: string;
  sha256: string;
  sizeBytes: number;
}

export class FileTooLargeError extends Error {}

/**
 * Streams an upload to disk while hashing it, so a file of any size costs a fixed amount of memory
 * and the raw file is kept for processing, resuming after a crash, and audit.
 */
export class UploadStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async save(body: Readable, maxBytes: number): Promise<StoredFile> {
    const tmp = path.join(this.dir, `upload-${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new FileTooLargeError(`file larger than ${maxBytes} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(tmp));
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    const sha256 = hash.digest('hex');
    const final = path.join(this.dir, `${sha256}.upload`);
    await rename(tmp, final);
    return { path: final, sha256, sizeBytes: size };
  }

  /**
   * Runs what the upload is for and deletes the stored file if that refuses it: a file the endpoint
   * did not take is not kept on disk either.
   */
  async discardIfRefused<T>(file: StoredFile, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      await rm(file.path, { force: true });
      throw e;
    }
  }
}
