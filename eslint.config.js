// Lint: typed rules for the whole project, plus the Temporal rule that keeps workflows
// deterministic — no Node built-ins, no DuckDB, no activity implementations in workflows/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'data/**', 'bin/**', '.test-build/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process'], message: 'Workflows must be deterministic: no Node built-ins.' },
            { group: ['@duckdb/*', 'pino', 'exceljs', 'csv-parse'], message: 'Workflows orchestrate only; IO belongs in activities/.' },
          ],
        },
      ],
    },
  },
);
