// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'eslint.config.js', '.dependency-cruiser.cjs', 'bench/**/*.mjs', 'deploy/**/*.mjs', 'test/otel3/*.mjs', 'scripts/*.mjs', 'collector-config/**', 'rules/**', 'dashboards/**', 'alertmanager/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // One program for everything linted: src, instrumentation, tests, benches (tsconfig.test.json includes them all).
        project: ['./tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Use named exports: `export { a, b } from` instead of `export *`.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'instrumentation/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The status page's browser script (served as is by `agent-slo serve`): plain JS, browser globals, uPlot.
    files: ['ui/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'script',
      parserOptions: { project: false, projectService: false },
      globals: Object.fromEntries(['window', 'document', 'location', 'fetch', 'CSS', 'Node', 'setTimeout', 'clearTimeout', 'setInterval', 'performance', 'uPlot'].map((g) => [g, 'readonly'])),
    },
  },
);
