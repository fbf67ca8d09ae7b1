// Flat ESLint config. Module boundaries are enforced by Nx project tags:
//   scope:<service>  may depend on scope:shared only (a service never imports another service);
//   type:app -> type:feature libs and utils; type:util libs depend on type:util only.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');

module.exports = [
  { ignores: ['**/node_modules/**', '**/dist/**', '.local/**', '.nx/**', '**/*.cjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: { parserOptions: { project: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error'] }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:enrollment', onlyDependOnLibsWithTags: ['scope:shared', 'scope:enrollment'] },
            { sourceTag: 'scope:subsidy', onlyDependOnLibsWithTags: ['scope:shared', 'scope:subsidy'] },
            { sourceTag: 'scope:tax-feed', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tax-feed'] },
            { sourceTag: 'scope:refund', onlyDependOnLibsWithTags: ['scope:shared', 'scope:refund'] },
            { sourceTag: 'scope:reporting', onlyDependOnLibsWithTags: ['scope:shared', 'scope:reporting'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:feature', 'type:contracts', 'type:util'],
            },
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:feature', 'type:contracts', 'type:util'],
            },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:feature', 'type:contracts', 'type:util'],
            },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
          ],
        },
      ],
    },
  },
  {
    // CLIs and test fixtures print to the terminal on purpose.
    files: ['tools/**/*.ts', '**/test/**/*.ts', '**/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
];
