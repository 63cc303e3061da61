import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    API_KEY_ENV,
    RESTART_KEYS,
    SERVER_KEYS,
    ServerKey,
    SettingValue,
    affectsAny,
    serverEnvironment,
    secretKeyForBackend,
    serverSettings,
} from '../src/settingsModel';

function lookup(values: Partial<Record<ServerKey, SettingValue>>) {
    return (key: ServerKey): SettingValue => values[key] ?? { value: `default-${key}`, explicit: false };
}

describe('serverSettings', () => {
    it('passes every server key', () => {
        const settings = serverSettings(lookup({}), {});
        assert.deepEqual(Object.keys(settings).sort(), [...SERVER_KEYS].sort());
    });

    it('never passes the API key', () => {
        const settings = serverSettings(lookup({}), { [API_KEY_ENV]: 'sk-secret' });
        for (const key of Object.keys(settings)) {
            assert.ok(!/apikey/i.test(key), key);
        }
        assert.ok(!JSON.stringify(settings).includes('sk-secret'));
    });

    it('prefers the environment over a default for env-backed keys', () => {
        const settings = serverSettings(lookup({ baseUrl: { value: 'https://api.deepseek.com/beta', explicit: false } }), {
            DEEPSEEK_BASE_URL: 'http://127.0.0.1:9/beta',
            DEEPSEEK_MODEL: 'deepseek-flash',
        });
        assert.equal(settings.baseUrl, 'http://127.0.0.1:9/beta');
        assert.equal(settings.model, 'deepseek-flash');
    });

    it('prefers an explicit setting over the environment', () => {
        const settings = serverSettings(lookup({ baseUrl: { value: 'http://mine/beta', explicit: true } }), {
            DEEPSEEK_BASE_URL: 'http://env/beta',
        });
        assert.equal(settings.baseUrl, 'http://mine/beta');
    });

    it('keeps null (unset model) so the server resolves it', () => {
        const settings = serverSettings(lookup({ model: { value: null, explicit: false } }), {});
        assert.equal(settings.model, null);
    });

    it('leaves out values VS Code does not know', () => {
        const settings = serverSettings(lookup({ maxLines: { value: undefined, explicit: false } }), {});
        assert.ok(!('maxLines' in settings));
    });
});

describe('serverEnvironment', () => {
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
        ['no restart on debounceMs', ['ds-lsp.debounceMs'], RESTART_KEYS, false],
        ['push on debounceMs', ['ds-lsp.debounceMs'], SERVER_KEYS, true],
        ['other extension', ['python.defaultInterpreterPath'], SERVER_KEYS, false],
    ] as const) {
        it(name, () => assert.equal(affectsAny(changed([...changedKeys]), keys), expected));
    }
});
