import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateArgument, isCommentLine, isGenerateResult, needsInstruction } from '../src/generateArgs';

describe('isCommentLine', () => {
    for (const [line, expected] of [
        ['# add two numbers', true],
        ['    // sum the list', true],
        ['-- sql comment', true],
        [' * inside a block comment', true],
        ['/* block */', true],
        ['"""Docstring."""', true],
        ['x = 1', false],
        ['', false],
        ['#include <stdio.h>', false],
        ['    return a # trailing', false],
    ] as const) {
        it(JSON.stringify(line), () => assert.equal(isCommentLine(line), expected));
    }
});

describe('needsInstruction', () => {
    it('not with a selection', () => assert.equal(needsInstruction(true, 'x = 1', 'y = 2'), false));
    it('not below a comment', () => assert.equal(needsInstruction(false, '', '# fizzbuzz up to n'), false));
    it('not on a comment line', () => assert.equal(needsInstruction(false, '# fizzbuzz', 'import os'), false));
    it('yes below code', () => assert.equal(needsInstruction(false, '', 'import os'), true));
    it('yes on the first line', () => assert.equal(needsInstruction(false, '', undefined), true));
});

describe('generateArgument', () => {
    const uri = 'file:///w/a.py';
    it('position without instruction', () => {
        assert.deepEqual(generateArgument(uri, { position: { line: 3, character: 0 } }), {
            textDocument: { uri },
            position: { line: 3, character: 0 },
        });
    });

    it('range with a trimmed instruction', () => {
        const range = { start: { line: 1, character: 0 }, end: { line: 2, character: 4 } };
        assert.deepEqual(generateArgument(uri, { range }, '  make it async \n'), {
            textDocument: { uri },
            range,
            instruction: 'make it async',
        });
    });

    it('drops a blank instruction', () => {
        assert.ok(!('instruction' in generateArgument(uri, { position: { line: 0, character: 0 } }, '   ')));
    });
});

describe('isGenerateResult', () => {
    it('accepts the server result', () => assert.ok(isGenerateResult({ applied: true, text: 'x = 1' })));
    it('rejects others', () => {
        assert.ok(!isGenerateResult(null));
        assert.ok(!isGenerateResult({ applied: 'yes', text: '' }));
    });
});
