import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SNOOZE_MINUTES, menuEntries } from '../src/menuModel';
import { errorAdvice, statusView } from '../src/statusModel';

const actions = (...args: Parameters<typeof menuEntries>) => menuEntries(...args).map((e) => e.action);

describe('the status item menu', () => {
    it('in the error state leads with what fixes it, not with turning completions off', () => {
        assert.deepEqual(actions('error', 'auth').slice(0, 2), ['setApiKey', 'showOutput']);
        assert.deepEqual(actions('error', 'no API key')[0], 'setApiKey');
        assert.deepEqual(actions('error', 'network').slice(0, 2), ['showOutput', 'openSettings']);
        assert.equal(actions('error', 'network').at(-1), 'turnOff');
    });

    it('offers snooze for 5, 15 and 60 minutes, usage, output, key and settings when idle', () => {
        assert.deepEqual(actions('idle'), [
            'snooze5', 'snooze15', 'snooze60', 'showUsage', 'showOutput', 'setApiKey', 'openSettings', 'turnOff',
        ]);
    });

    it('offers resume while snoozed and turn on while off', () => {
        assert.equal(actions('snoozed')[0], 'resume');
        assert.ok(!actions('snoozed').includes('snooze5'));
        assert.equal(actions('disabled')[0], 'turnOn');
        assert.ok(!actions('disabled').includes('turnOff'));
    });

    it('lists each entry once', () => {
        for (const state of ['idle', 'error', 'disabled', 'snoozed', 'stopped'] as const) {
            const list = actions(state, 'auth');
            assert.equal(new Set(list).size, list.length, state);
        }
    });

    it('snooze sends minutes to ds-lsp.snooze; resume sends 0', () => {
        assert.deepEqual(SNOOZE_MINUTES, { snooze5: 5, snooze15: 15, snooze60: 60, resume: 0 });
    });
});

describe('the error tooltip says what to do', () => {
    for (const [reason, words] of [
        ['auth', /Set API Key/],
        ['no API key', /No API key.*Set API Key/],
        ['network', /cannot be reached: check ds-lsp\.baseUrl, your network or proxy/],
        ['timeout', /did not answer in time.*timeoutMs/],
        ['balance', /top up/],
        ['model', /set ds-lsp\.model/],
        ['rate_limit', /resume by themselves/],
        ['internal', /internal: click for the output and settings/],
    ] as const) {
        it(reason, () => {
            assert.match(errorAdvice(reason), words);
            assert.match(statusView('error', reason).tooltip, words);
        });
    }
});
