import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isApiKeyMessage } from '../src/messages';

describe('isApiKeyMessage', () => {
    for (const [type, message, expected] of [
        [1, 'DeepSeek rejected the API key (401). Set a valid key.', true],
        [1, 'No DeepSeek api_key configured', true],
        [2, 'Missing API-Key', true],
        [1, 'DeepSeek: insufficient balance (402)', false],
        [3, 'API key saved', false],
    ] as const) {
        it(message, () => assert.equal(isApiKeyMessage(type, message), expected));
    }
});
