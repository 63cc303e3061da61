import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    API_KEY_ENV,
    EXTENSION_SET,
    RESTART_KEYS,
    SERVER_KEYS,
    ServerKey,
    SettingValue,
    USER_ONLY_KEYS,
    additiveValue,
    affectsAny,
    serverEnvironment,
    secretKeyForBackend,
    serverSettings,
} from '../src/settingsModel';

/** A setting nobody set: VS Code resolves its default. */
const unset = (key: string): SettingValue => ({ value: `default-${key}`, defaultValue: `default-${key}`, workspaceValues: [] });

function lookup(values: Partial<Record<ServerKey, Partial<SettingValue>>>) {
    return (key: ServerKey): SettingValue => ({ ...unset(key), ...values[key] });
}

const DEFAULT_EXCLUDE = ['.env', '*.pem'];

describe('serverSettings', () => {
    it('passes every server key at initialization, plus what the extension sets itself', () => {
        const settings = serverSettings(lookup({}), {}, 'initialization');
        assert.deepEqual(Object.keys(settings).sort(), [...SERVER_KEYS, ...Object.keys(EXTENSION_SET)].sort());
    });

    it('turns off the server\'s completion $/progress: the status bar item shows it', () => {
        for (const layer of ['initialization', 'workspace'] as const) {
            assert.equal(serverSettings(lookup({}), {}, layer).completionProgress, false, layer);
        }
    });

    it('never passes the API key', () => {
        const settings = serverSettings(lookup({}), { [API_KEY_ENV]: 'sk-secret' }, 'initialization');
        for (const key of Object.keys(settings)) {
            assert.ok(!/apikey/i.test(key), key);
        }
        assert.ok(!JSON.stringify(settings).includes('sk-secret'));
    });

    it('prefers the environment over a default for env-backed keys', () => {
        const settings = serverSettings(
            lookup({}),
            { DEEPSEEK_BASE_URL: 'http://127.0.0.1:9/beta', DEEPSEEK_MODEL: 'deepseek-flash' },
            'initialization',
        );
        assert.equal(settings.baseUrl, 'http://127.0.0.1:9/beta');
        assert.equal(settings.model, 'deepseek-flash');
    });

    it('prefers an explicit setting over the environment', () => {
        const settings = serverSettings(
            lookup({ baseUrl: { value: 'http://mine/beta', userValue: 'http://mine/beta' }, model: { value: 'm', userValue: 'm' } }),
            { DEEPSEEK_BASE_URL: 'http://env/beta', DEEPSEEK_MODEL: 'env-model' },
            'initialization',
        );
        assert.equal(settings.baseUrl, 'http://mine/beta');
        assert.equal(settings.model, 'm');
    });

    it('keeps null (unset model) so the server resolves it', () => {
        const settings = serverSettings(lookup({ model: { value: null, defaultValue: null } }), {}, 'initialization');
        assert.equal(settings.model, null);
    });

    it('leaves out values VS Code does not know', () => {
        const settings = serverSettings(lookup({ maxLines: { value: undefined, defaultValue: undefined } }), {}, 'workspace');
        assert.ok(!('maxLines' in settings));
    });

    it('a workspace value of an ordinary setting wins over the user\'s', () => {
        const settings = serverSettings(lookup({ maxLines: { value: 4, userValue: 8, workspaceValues: [4] } }), {}, 'workspace');
        assert.equal(settings.maxLines, 4);
    });
});

describe('serverSettings: where requests go is the user\'s choice only', () => {
    it('backend, baseUrl, every *BaseUrl and what the key spends are user-only', () => {
        const userOnly = USER_ONLY_KEYS as readonly string[];
        for (const key of SERVER_KEYS) {
            if (key === 'backend' || key === 'baseUrl' || key.endsWith('BaseUrl')) {
                assert.ok(userOnly.includes(key), key);
            }
        }
        for (const key of ['model', 'maxTokens', 'maxPrefixChars', 'cacheSize', 'priceOutput']) {
            assert.ok(userOnly.includes(key), key);
        }
        for (const key of ['temperature', 'multiline', 'enable', 'exclude', 'quietIn']) {
            assert.ok(!userOnly.includes(key), key);
        }
    });

    it('a workspace value of a user-only key is ignored even when VS Code resolves it', () => {
        const settings = serverSettings(
            lookup({
                baseUrl: { value: 'https://evil.example/beta', userValue: 'https://mine/beta', workspaceValues: ['https://evil.example/beta'] },
                backend: { value: 'codestral', defaultValue: 'deepseek', workspaceValues: ['codestral'] },
            }),
            {},
            'initialization',
        );
        assert.equal(settings.baseUrl, 'https://mine/beta');
        assert.equal(settings.backend, 'deepseek');
    });

    it('user-only keys are sent only at initialization, never in the workspace layer', () => {
        const settings = serverSettings(lookup({}), {}, 'workspace');
        for (const key of USER_ONLY_KEYS) {
            assert.ok(!(key in settings), key);
        }
    });

    it('changing a user-only key restarts the server (it reads them at initialization)', () => {
        for (const key of USER_ONLY_KEYS) {
            assert.ok(RESTART_KEYS.includes(key), key);
        }
    });
});

describe('serverSettings: a workspace can add exclude patterns, never remove them', () => {
    for (const [name, setting, expected] of [
        ['default only', { defaultValue: DEFAULT_EXCLUDE }, DEFAULT_EXCLUDE],
        ['workspace adds to the default', { defaultValue: DEFAULT_EXCLUDE, workspaceValues: [['secret/**']] }, [...DEFAULT_EXCLUDE, 'secret/**']],
        ['workspace [] removes nothing', { defaultValue: DEFAULT_EXCLUDE, workspaceValues: [[]] }, DEFAULT_EXCLUDE],
        ['the user may replace the default', { defaultValue: DEFAULT_EXCLUDE, userValue: ['*.key'] }, ['*.key']],
        [
            'workspace and folder add to the user\'s list, without repeats',
            { defaultValue: DEFAULT_EXCLUDE, userValue: ['*.key'], workspaceValues: [['a/**', '*.key'], ['b/**']] },
            ['*.key', 'a/**', 'b/**'],
        ],
        ['non-strings are dropped', { defaultValue: DEFAULT_EXCLUDE, workspaceValues: [[1, null, 'c']] }, [...DEFAULT_EXCLUDE, 'c']],
    ] as const) {
        it(name, () => {
            const value: SettingValue = { value: 'ignored', workspaceValues: [], ...(setting as Partial<SettingValue>) };
            assert.deepEqual(additiveValue(value), expected);
            for (const layer of ['initialization', 'workspace'] as const) {
                assert.deepEqual(serverSettings(lookup({ exclude: value }), {}, layer).exclude, expected, layer);
            }
        });
    }
});

describe('serverEnvironment', () => {
    it('sets PYTHONPATH for the bundled server over an inherited one', () => {
        const env = serverEnvironment({ PATH: '/bin', PYTHONPATH: '/project' }, {}, { PYTHONPATH: '/ext/bundled/libs' });
        assert.deepEqual(env, { PATH: '/bin', PYTHONPATH: '/ext/bundled/libs' });
    });

    it('adds the stored key', () => {
        const env = serverEnvironment({ PATH: '/bin', UNSET: undefined }, { apiKey: 'sk-1', codestralApiKey: undefined });
        assert.deepEqual(env, { PATH: '/bin', [API_KEY_ENV]: 'sk-1' });
    });

    it('keeps an inherited key when none is stored', () => {
        assert.equal(serverEnvironment({ [API_KEY_ENV]: 'sk-env' }, {})[API_KEY_ENV], 'sk-env');
    });

    it('a stored key wins over the inherited one', () => {
        assert.equal(serverEnvironment({ [API_KEY_ENV]: 'sk-env' }, { apiKey: 'sk-stored' })[API_KEY_ENV], 'sk-stored');
    });

    it('passes the key of each backend in its own variable', () => {
        const env = serverEnvironment({}, { codestralApiKey: 'c-1', llamaCppApiKey: 'l-1' });
        assert.deepEqual(env, { CODESTRAL_API_KEY: 'c-1', LLAMA_API_KEY: 'l-1' });
    });
});

describe('secretKeyForBackend', () => {
    for (const [backend, key] of [
        ['deepseek', 'apiKey'],
        ['', 'apiKey'],
        ['openai-fim', 'openaiFimApiKey'],
        ['llama-cpp', 'llamaCppApiKey'],
        ['codestral', 'codestralApiKey'],
        ['unknown', 'apiKey'],
    ] as const) {
        it(backend || '(empty)', () => assert.equal(secretKeyForBackend(backend), key));
    }
});

describe('affectsAny', () => {
    const changed = (names: string[]) => (section: string) => names.includes(section);
    for (const [name, changedKeys, keys, expected] of [
        ['restart on serverPath', ['ds-lsp.serverPath'], RESTART_KEYS, true],
        ['no restart on temperature', ['ds-lsp.temperature'], RESTART_KEYS, false],
        ['push on temperature', ['ds-lsp.temperature'], SERVER_KEYS, true],
        ['restart on maxTokens (what the key spends)', ['ds-lsp.maxTokens'], RESTART_KEYS, true],
        ['restart on backend', ['ds-lsp.backend'], RESTART_KEYS, true],
        ['restart on codestralBaseUrl', ['ds-lsp.codestralBaseUrl'], RESTART_KEYS, true],
        ['other extension', ['python.defaultInterpreterPath'], SERVER_KEYS, false],
    ] as const) {
        it(name, () => assert.equal(affectsAny(changed([...changedKeys]), keys), expected));
    }
});
