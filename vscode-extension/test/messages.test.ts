import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isApiKeyMessage, messageActions } from '../src/messages';

const ERROR = 1;
const WARNING = 2;
const INFO = 3;

describe('isApiKeyMessage', () => {
    for (const [type, message, expected] of [
        [ERROR, 'DeepSeek rejected the API key (401). Set a valid key.', true],
        [ERROR, 'No DeepSeek api_key configured', true],
        [WARNING, 'Missing API-Key', true],
        [ERROR, 'DeepSeek: insufficient balance (402)', false],
        [INFO, 'API key saved', false],
    ] as const) {
        it(message, () => assert.equal(isApiKeyMessage(type, message), expected));
    }
});

describe('messageActions', () => {
    for (const [name, type, message, expected] of [
        [
            'the 401 message offers Set API Key',
            ERROR,
            "The server rejected the API key (401). Set a valid key: your editor's ds-lsp API key (VS Code: 'DeepSeek: Set API Key'), the apiKey setting, or DEEPSEEK_API_KEY=sk-... in the environment the editor starts from.",
            ['Set API Key'],
        ],
        ['a missing key offers Set API Key', ERROR, 'No DeepSeek API key. Set DEEPSEEK_API_KEY=sk-...', ['Set API Key']],
        [
            'the network warning offers Show Output and Open Settings',
            WARNING,
            'ds-lsp cannot reach http://127.0.0.1:1/beta: ConnectError: All connection attempts failed. Check the base URL setting and your network or proxy.',
            ['Show Output', 'Open Settings'],
        ],
        ['the balance message has no button', ERROR, 'DeepSeek says the account balance is insufficient (402).', []],
        ['a settings warning has no button', WARNING, 'ds-lsp settings: maxTokens=0: too small', []],
        ['information has no button', INFO, 'ds-lsp cannot reach anything today', []],
    ] as const) {
        it(name, () => assert.deepEqual(messageActions(type, message), expected));
    }
});
