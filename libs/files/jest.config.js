const preset = require('../../jest.preset');

module.exports = {
  ...preset,
  displayName: 'files',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
  globalSetup: '../../tools/test/global-setup.js',
  globalTeardown: '../../tools/test/global-teardown.js',
  setupFilesAfterEnv: ['../../tools/test/integration-timeout.js'],
};
