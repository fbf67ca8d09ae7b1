export * from './database-url';
export * from './service-data-source';
export * from './transaction';
export * from './ensure-database';
export * from './transient-failure';
export * from './prepared-statement';
export * from './varchar-codes.migration';
export * from './statistics-keeper';
