import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerLogReader } from '../src/logLevels';

describe('ServerLogReader', () => {
    for (const [line, level, text] of [
        ['2025-01-02 10:11:12,345 DEBUG ds_lsp.engine: window 12 lines', 'debug', 'ds_lsp.engine: window 12 lines'],
        ['2025-01-02 10:11:12,345 INFO ds_lsp.server: ds-lsp 0.1.0 ready', 'info', 'ds_lsp.server: ds-lsp 0.1.0 ready'],
        ['2025-01-02 10:11:12,345 WARNING ds_lsp.engine: upstream error network', 'warn', 'ds_lsp.engine: upstream error network'],
        ['2025-01-02 10:11:12,345 ERROR ds_lsp.server: completion failed', 'error', 'ds_lsp.server: completion failed'],
        ['2025-01-02 10:11:12,345 CRITICAL root: dying', 'error', 'root: dying'],
    ] as const) {
        it(`${level}: ${line.slice(24, 40)}`, () => {
            assert.deepEqual(new ServerLogReader().read(line), { level, text });
        });
    }

    it('continuation lines keep the level of their record', () => {
        const reader = new ServerLogReader();
        reader.read('2025-01-02 10:11:12,345 INFO ds_lsp.server: settings:');
        assert.deepEqual(reader.read('  maxTokens=256'), { level: 'info', text: '  maxTokens=256' });
        reader.read('2025-01-02 10:11:13,000 ERROR ds_lsp.server: completion failed');
        assert.deepEqual(reader.read('Traceback (most recent call last):'), { level: 'error', text: 'Traceback (most recent call last):' });
        assert.equal(reader.read('  File "x.py", line 1').level, 'error');
    });

    it('a traceback after an info record is an error', () => {
        const reader = new ServerLogReader();
        reader.read('2025-01-02 10:11:12,345 INFO ds_lsp.server: ready');
        assert.equal(reader.read('Traceback (most recent call last):').level, 'error');
        assert.equal(reader.read('ModuleNotFoundError: No module named pygls').level, 'error');
    });

    it('output before any record (Python failing to start) is an error', () => {
        assert.equal(new ServerLogReader().read('/usr/bin/python3: No module named ds_lsp').level, 'error');
    });
});
