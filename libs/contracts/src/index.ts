export * from './topics';
export * from './envelope';
export * from './catalog';
export * from './validators';
export * from './events/enrollment-registered/enrollment-registered.event';
export { contractCatalog } from './contract-catalog';
