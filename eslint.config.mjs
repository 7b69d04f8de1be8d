// ESLint (`npm run lint`, run by `npm test`). The product code (src/) gets typescript-eslint's
// type-aware rules, which catch what matters here: promises neither awaited nor handled (a step
// whose failure would vanish), `any` leaking from driver rows and JSON, methods passed around
// without their `this`. Tests and benchmarks get the rules that need no type information (a
// type-aware pass over them doubles the lint time for little gain). Zero warnings: `--max-warnings 0`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-host/**', '.test-artifacts/**', 'test/fixtures/**', 'test/host/**', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  {
    files: ['src/**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    extends: [...tseslint.configs.recommended],
    // Tests and benchmarks require() on purpose: to probe what a module load pulls in, to load a
    // fresh copy of a fixture, and where a tool's API is CommonJS only (mocha's reporter base).
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
