// `npm test` runs every project; each project's jest.config.js says which of its files are tests
// and whether it needs the real broker and database (globalSetup).
module.exports = {
  projects: [
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/e2e/*/jest.config.js',
    '<rootDir>/tools/jest.config.js',
  ],
};
