export * from './resident-id';
export * from './resident-id-text';
export * from './money';
export * from './shanghai-time';
export * from './regions';
