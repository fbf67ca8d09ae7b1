const preset = require('../../jest.preset');

// End-to-end: the services run as their own processes against the real broker and database.
module.exports = {
  ...preset,
  displayName: 'system-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '../../tools/test/global-setup.js',
  globalTeardown: '../../tools/test/global-teardown.js',
  setupFilesAfterEnv: ['../../tools/test/integration-timeout.js'],
};
