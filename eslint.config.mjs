// Lint rules from STYLE.md: no floating promises, type-only imports marked, no console outside the CLI. Layout is
// prettier's (.prettierrc.json): eslint-config-prettier, last, turns off any rule that would fight it.
import js from '@eslint/js';
import eslintConfigPrettier from 'eslint-config-prettier/flat';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '*.config.js', '*.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.tests.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The web console runs in the browser: its own project (DOM types), and it may log to the browser's console.
    files: ['packages/console/web/**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./packages/console/web/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Tests may poke at loosely typed JSON answers.
    files: ['**/*.test.ts', '**/test-support/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The CLI and the examples talk to a terminal.
    files: ['tools/cli/**/*.ts', 'examples/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  eslintConfigPrettier,
);
