// Resolves the @urrbmi/* libraries to their compiled files under dist/ (node -r ./tools/runtime/dist-paths.js).
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');

const dist = path.resolve(__dirname, '../../dist');
const libs = ['contracts', 'domain', 'files', 'messaging', 'persistence', 'platform', 'policy'];
tsconfigPaths.register({
  baseUrl: dist,
  paths: Object.fromEntries(libs.map((l) => [`@urrbmi/${l}`, [`libs/${l}/src/index.js`]])),
});
