// Flat config: typescript-eslint's recommended type-aware rules over the whole project, plus the
// package boundaries: a package imports another only by its name (through its exports), never
// by a relative path into its folder, and no import circle exists inside any package.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const PACKAGE_SOURCES = ['mock-concur/src/**/*.ts', 'client/src/**/*.ts', 'auto-connect/src/**/*.ts', 'contracts/src/**/*.ts', 'partner-app/src/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/dist/', 'node_modules/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: PACKAGE_SOURCES,
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json', conditionNames: ['@mock-concur/source', 'types', 'import', 'node', 'default'] })],
    },
    rules: {
      // ../client/src/… from mock-concur (or any other package) reaches into its internals.
      'import-x/no-relative-packages': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly' } },
  },
  // CommonJS on purpose: the packaging test proves require() works.
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
