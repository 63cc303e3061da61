// ESLint flat config: typescript-eslint's recommended rules on the extension and its tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    { ignores: ['dist/', 'out/', 'bundled/', 'node_modules/', 'test-output/'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ['**/*.ts'],
        rules: {
            // Unused arguments named `_x` are part of a signature (middleware, callbacks).
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
        },
    },
    {
        files: ['**/*.mjs'],
        languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly' } },
    },
    {
        // The e2e driver also runs functions in the page (page.evaluate).
        files: ['test/e2e/*.mjs'],
        languageOptions: { globals: { window: 'readonly', document: 'readonly', MutationObserver: 'readonly' } },
    },
);
