// ESLint 9 flat config with the AirBnB rules (eslint-config-airbnb-extended),
// for JavaScript, React and TypeScript.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import globals from 'globals';
import { configs, plugins } from 'eslint-config-airbnb-extended';

// The SPA's one-way ladder: shared code (api, components, lib) <- features <- app.
// A feature never imports another feature (app/routes composes them), and shared
// code imports neither features nor app.
const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const boundaries = {
  name: 'costwatch/boundaries',
  files: ['src/**/*.{ts,tsx}'],
  rules: {
    'import-x/no-restricted-paths': ['error', {
      zones: [
        ...features.map((feature) => ({
          target: `./src/features/${feature}`,
          from: './src/features',
          except: [`./${feature}`],
          message: 'A feature never imports another feature: compose them in src/app/routes.',
        })),
        {
          target: './src/features',
          from: './src/app',
          message: 'Features do not import the app; the app (routes) imports features.',
        },
        {
          target: ['./src/api', './src/components', './src/lib'],
          from: ['./src/features', './src/app'],
          message: 'Shared code (api, components, lib) imports neither features nor the app.',
        },
      ],
    }],
    'import-x/no-cycle': ['error', { maxDepth: Infinity }],
  },
};

const jsConfig = [
  { name: 'js/config', ...js.configs.recommended },
  plugins.stylistic,
  plugins.importX,
  ...configs.base.recommended,
];

const reactConfig = [
  plugins.react,
  plugins.reactHooks,
  plugins.reactA11y,
  ...configs.react.recommended,
];

const typescriptConfig = [
  plugins.typescriptEslint,
  ...configs.base.typescript,
  ...configs.react.typescript,
];

export default [
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'src/api/generated/**'] },
  ...jsConfig,
  ...reactConfig,
  ...typescriptConfig,
  boundaries,
  {
    name: 'costwatch/overrides',
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // React 17+ JSX transform: no React import needed; props typed with TypeScript.
      'react/react-in-jsx-scope': 'off',
      'react/jsx-props-no-spreading': 'off',
      'react/require-default-props': 'off',
      // Named exports are clearer for feature modules.
      'import-x/prefer-default-export': 'off',
      // Deviation from AirBnB's 100: Mantine's prop-heavy JSX reads better on one line.
      '@stylistic/max-len': ['error', {
        code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true,
      }],
      // Table cell renderers live in column lists that are memoized (or module-level),
      // so flexRender keeps the same component between renders.
      'react/no-unstable-nested-components': ['error', { allowAsProps: true }],
      // This rule is for the React Compiler, which the app does not use.
      'react-hooks/incompatible-library': 'off',
    },
  },
  {
    name: 'costwatch/node-files',
    files: ['e2e/**', 'scripts/**', '*.config.{js,ts}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': 'off',
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: true }],
    },
  },
  {
    name: 'costwatch/e2e',
    files: ['e2e/**'],
    rules: {
      // A browser script steps through pages one after the other, on purpose.
      'no-await-in-loop': 'off',
      // Node's ES modules need the file extension of a relative import (./browser.mjs).
      'import-x/extensions': ['error', 'always', { ignorePackages: true }],
      'no-restricted-syntax': 'off',
    },
  },
  {
    name: 'costwatch/tests',
    files: ['src/**/*.test.{ts,tsx}', 'src/testing/**'],
    rules: {
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: true }],
    },
  },
];
