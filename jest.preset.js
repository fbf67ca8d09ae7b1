// Shared jest settings: TypeScript through SWC (with decorator metadata for NestJS and
// class-validator) and the @urrbmi/* aliases of tsconfig.base.json.
const path = require('node:path');

const root = __dirname;

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@urrbmi/contracts/openapi$': path.join(root, 'libs/contracts/src/openapi/http-client.ts'),
    '^@urrbmi/(contracts|domain|files|messaging|persistence|platform|policy)$': path.join(
      root,
      'libs/$1/src/index.ts',
    ),
  },
};
