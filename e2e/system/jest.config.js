const preset = require('../../jest.preset');

// End-to-end: the services run as their own processes against the real broker and database.
module.exports = {
  ...preset,
  displayName: 'system-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '../../tools/test/global-setup.js',
  // After the shared teardown, fails the run when a test observed a status the OpenAPI documents lack.
  globalTeardown: '../../tools/test/check-observed-http.js',
  setupFilesAfterEnv: [
    '../../tools/test/integration-timeout.js',
    '<rootDir>/test/support/observe-http.setup.ts',
  ],
};
