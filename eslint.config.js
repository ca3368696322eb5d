// ESLint flat config for the generator's own code: typed rules, as in the projects it generates.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Top-level folders holding a project this generator wrote (its .yo-rc.json has our key): a project generated inside
 * the clone (`npm run demo`, or any name) is its own, with its own lint; .gitignore keeps it out of git and Prettier. */
const generatedProjects = readdirSync(import.meta.dirname, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
  .filter((entry) => {
    try {
      const yoRc = JSON.parse(readFileSync(path.join(import.meta.dirname, entry.name, '.yo-rc.json'), 'utf8'));
      return typeof yoRc === 'object' && yoRc !== null && 'generator-bluegreen-ecs' in yoRc;
    } catch {
      return false;
    }
  })
  .map((entry) => `${entry.name}/`);

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'templates/', 'coverage/', 'test/existing/fixtures/', ...generatedProjects] },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Numbers and booleans read naturally in messages; objects and undefined do not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // An empty string is this code's "not set" (a setting left empty), so || is meant where it is used on strings.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true } }],
      // A leading underscore marks a value left out on purpose (destructuring, unused parameters).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Tests read parsed YAML and JSON, which is untyped by nature; the assertions check its shape.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Stand-ins implement async interfaces without always awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], extends: [tseslint.configs.disableTypeChecked] },
);
