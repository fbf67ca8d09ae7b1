const preset = require('../../jest.preset');

module.exports = {
  ...preset,
  displayName: 'files',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
