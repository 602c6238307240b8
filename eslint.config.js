// ESLint checks what the type-checker does not: promises nobody awaits or catches, promises
// handed to callers that ignore them, awaits of things that are not promises, and symbols
// nobody uses. Rules are typed (they read the TypeScript program through tsconfig.json), and
// none is about layout: Prettier owns that (`npm run format`).
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    'dist/',
    'coverage/',
    'test-results/',
    // Skeletons hold ${{ }} placeholders: they are files of the repositories they make, not JavaScript yet.
    'templates/*/skeleton/',
    'test/fixtures/**/skeleton/',
  ]),
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A leading underscore marks a name kept on purpose (a parameter a signature needs, a
      // destructured element skipped); `...rest` siblings are how a property is left out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'all',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
);
