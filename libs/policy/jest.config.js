const preset = require('../../jest.preset');

module.exports = {
  ...preset,
  displayName: 'policy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
