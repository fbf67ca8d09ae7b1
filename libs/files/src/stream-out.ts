import { Transform, Writable } from 'node:stream';

/**
 * Writes `text`, and when the stream's buffer is full waits for it to drain: a large answer is sent
 * as it is read, never held whole. A stream closed first (the client went away) rejects.
 */
export function written(out: Writable, text: string): Promise<void> {
  if (out.destroyed) return Promise.reject(new Error('the stream was closed before the answer ended'));
  if (out.write(text)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const drained = () => {
      out.off('close', closed);
      resolve();
    };
    const closed = () => {
      out.off('drain', drained);
      reject(new Error('the stream was closed before the answer ended'));
    };
    out.once('drain', drained);
    out.once('close', closed);
  });
}

/**
 * A pass-through that also writes every chunk into `side`, at the slower one's pace: a second reader
 * of an upload while it is stored. `side` closing early (its reader gave up) leaves the main flow
 * going; the main flow ending ends `side`, and the main flow failing destroys it.
 */
export function alsoInto(side: Writable): Transform {
  let sideOpen = true;
  let flushed = false;
  const stop = () => {
    sideOpen = false;
  };
  side.once('close', stop);
  side.once('error', stop);
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (!sideOpen || side.write(chunk)) return done(null, chunk);
      const go = () => {
        side.off('drain', go);
        side.off('close', go);
        done(null, chunk);
      };
      side.once('drain', go);
      side.once('close', go);
    },
    flush(done) {
      flushed = true;
      if (sideOpen) side.end();
      done();
    },
  });
  tap.once('close', () => {
    if (!flushed && sideOpen) side.destroy(new Error('the stream it copies stopped before its end'));
  });
  return tap;
}
