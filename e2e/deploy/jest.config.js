const preset = require('../../jest.preset');

// The deployment files (docker/, k8s/) checked without a Docker engine or a cluster: rendered with
// kubectl kustomize, validated against the Kubernetes schemas, held to the invariants. Needs kubectl
// (tools/lib/ensure-tools.sh installs it); no broker or database.
module.exports = {
  ...preset,
  displayName: 'deploy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  setupFilesAfterEnv: ['../../tools/test/integration-timeout.js'],
};
