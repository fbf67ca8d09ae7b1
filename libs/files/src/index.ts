export * from './upload-store';
export * from './tabular-rows';
export * from './tabular-limits';
