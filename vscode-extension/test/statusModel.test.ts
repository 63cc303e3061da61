import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVER_STATES, isStatusParams, statusView } from '../src/statusModel';

describe('statusView', () => {
    for (const state of [...SERVER_STATES, 'starting', 'stopped', 'snoozed'] as const) {
        it(`${state} has a distinct icon and mentions DeepSeek`, () => {
            const view = statusView(state);
            assert.match(view.text, /^\$\([a-z~-]+\) DeepSeek$/);
        });
    }

    it('icons differ between states', () => {
        const texts = SERVER_STATES.map((s) => statusView(s).text);
        assert.equal(new Set(texts).size, texts.length);
    });

    it('error shows the message and an error background', () => {
        const view = statusView('error', '401: invalid API key');
        assert.match(view.tooltip, /401: invalid API key/);
        assert.equal(view.background, 'statusBarItem.errorBackground');
    });

    it('idle and disabled say what a click does', () => {
        assert.match(statusView('idle').tooltip, /click to snooze, turn off/);
        assert.match(statusView('disabled').tooltip, /click to turn them on/);
        assert.match(statusView('snoozed', '14:05').tooltip, /snoozed until 14:05: click to resume/);
    });
});

describe('isStatusParams', () => {
    for (const [value, ok] of [
        [{ state: 'idle' }, true],
        [{ state: 'fetching', message: 'x' }, true],
        [{ state: 'error', message: null }, true],
        [{ state: 'busy' }, false],
        [{ state: 'idle', message: 3 }, false],
        [null, false],
        ['idle', false],
    ] as const) {
        it(JSON.stringify(value), () => assert.equal(isStatusParams(value), ok));
    }
});
