import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { alsoInto, written } from './stream-out';

const chunks = (n: number) => Array.from({ length: n }, (_, i) => Buffer.alloc(4096, i % 251));

function sink(delayEvery = 0): { out: Writable; bytes: () => number; data: () => Buffer } {
  let bytes = 0;
  let seen = 0;
  const got: Buffer[] = [];
  return {
    data: () => Buffer.concat(got),
    out: new Writable({
      highWaterMark: 1024,
      write(c: Buffer, _e, cb) {
        bytes += c.length;
        got.push(c);
        if (delayEvery && ++seen % delayEvery === 0) setTimeout(cb, 1);
        else cb();
      },
    }),
    bytes: () => bytes,
  };
}

describe('alsoInto: a second reader of a stream at the slower one’s pace', () => {
  it('gives both readers every byte, in order, when the side reads slower than the main flow', async () => {
    const side = new PassThrough({ highWaterMark: 1024 });
    const sideSink = sink(3);
    const sideDone = pipeline(side, sideSink.out);
    const main = sink();
    await pipeline(Readable.from(chunks(200)), alsoInto(side), main.out);
    await sideDone;
    const sent = Buffer.concat(chunks(200));
    expect(main.data().equals(sent)).toBe(true);
    expect(sideSink.data().equals(sent)).toBe(true);
  });

  it('keeps the main flow going when the side gives up half-way', async () => {
    const side = new PassThrough({ highWaterMark: 1024 });
    let read = 0;
    side.on('data', (c: Buffer) => {
      read += c.length;
      if (read >= 40 * 4096) side.destroy();
    });
    const main = sink(5);
    await pipeline(Readable.from(chunks(200)), alsoInto(side), main.out);
    expect(main.bytes()).toBe(200 * 4096);
    expect(read).toBeLessThan(200 * 4096);
  });

  it('fails the side when the main flow fails before its end', async () => {
    const side = new PassThrough();
    const sideFailed = new Promise<Error>((resolve) => side.once('error', resolve));
    side.resume();
    const refuse = new Writable({
      write: (_c, _e, cb) => cb(new Error('file larger than the limit')),
    });
    await expect(pipeline(Readable.from(chunks(10)), alsoInto(side), refuse)).rejects.toThrow('limit');
    expect((await sideFailed).message).toMatch(/stopped before its end/);
  });
});

describe('written: one piece of a streamed answer', () => {
  it('waits for a full stream to drain, and rejects when the reader goes away instead', async () => {
    const slow = new Writable({ highWaterMark: 4, write: (_c, _e, cb) => setTimeout(cb, 5) });
    await written(slow, 'a long enough piece');
    const gone = new Writable({ highWaterMark: 4, write: () => undefined });
    const pending = written(gone, 'a long enough piece');
    gone.destroy();
    await expect(pending).rejects.toThrow('closed before the answer ended');
    await expect(written(gone, 'more')).rejects.toThrow('closed before the answer ended');
  });
});
