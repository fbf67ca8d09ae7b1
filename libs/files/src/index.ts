export * from './upload-store';
export * from './tabular-rows';
