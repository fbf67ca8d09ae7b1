// class-transformer ships the storage's types apart from its CommonJS file; this joins the two.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
