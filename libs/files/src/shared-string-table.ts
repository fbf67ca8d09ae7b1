/**
 * A workbook's shared strings (every text cell of an XLSX points into this table) kept as UTF-8 in
 * large buffers outside the JavaScript heap, with three numbers per string. exceljs keeps them as an
 * array of JS strings: a registration workbook of 1,000,000 rows (a name and an ID number each, 62
 * MiB of shared strings, inside the 64 MiB limit) needed more than a 256 MiB heap for them and the
 * service died of it; here they cost their UTF-8 bytes plus 12 to 24 bytes each (three growable
 * arrays of offsets), whatever the heap limit.
 */
export class SharedStringTable {
  private static readonly CHUNK_BYTES = 1 << 20;

  private readonly chunks: Buffer[] = [];
  private used = 0;
  private chunkOf = new Uint32Array(1024);
  private startOf = new Uint32Array(1024);
  private lengthOf = new Uint32Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.chunks.length === 0 || this.used + bytes > SharedStringTable.CHUNK_BYTES) {
      // A string larger than a chunk gets a buffer of its own.
      this.chunks.push(Buffer.allocUnsafe(Math.max(SharedStringTable.CHUNK_BYTES, bytes)));
      this.used = 0;
    }
    const chunk = this.chunks.length - 1;
    this.chunks[chunk].write(text, this.used, 'utf8');
    if (this.count === this.chunkOf.length) this.grow();
    this.chunkOf[this.count] = chunk;
    this.startOf[this.count] = this.used;
    this.lengthOf[this.count] = bytes;
    this.count++;
    this.used += bytes;
  }

  /** The string at `index`, or undefined past the end (a cell pointing nowhere). */
  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    const start = this.startOf[index];
    return this.chunks[this.chunkOf[index]].toString('utf8', start, start + this.lengthOf[index]);
  }

  private grow(): void {
    const bigger = (a: Uint32Array) => {
      const b = new Uint32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.chunkOf = bigger(this.chunkOf);
    this.startOf = bigger(this.startOf);
    this.lengthOf = bigger(this.lengthOf);
  }
}
