export * from './resident-id';
export * from './money';
export * from './shanghai-time';
export * from './regions';
