import { Writable } from 'node:stream';

/** Writes `text`, and when the stream's buffer is full waits for it to drain: a large answer is sent as it is read, never held whole. */
export function written(out: Writable, text: string): Promise<void> {
  return out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', r));
}
