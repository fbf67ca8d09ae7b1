export * from './upload-store';
export * from './tabular-rows';
export * from './tabular-limits';
export * from './csv-writer';
export * from './xlsx-writer';
export * from './file-template';
export * from './job';
export * from './stream-out';
