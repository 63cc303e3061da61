import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InlineEdit, addedLabel, diffMarkdown, firstEdit, hint, tabAction } from '../src/nextEditModel';

const edit = (startLine: number, endLine: number, text = 'cost'): InlineEdit => ({
    text,
    range: { start: { line: startLine, character: 4 }, end: { line: endLine, character: 9 } },
    textDocument: { uri: 'file:///w/a.py', version: 3 },
    command: { title: 'Accept', command: 'ds-lsp.acceptedNextEdit', arguments: [{ id: 1 }] },
});

describe('firstEdit', () => {
    it('takes the first edit of an answer', () => {
        assert.deepEqual(firstEdit({ edits: [edit(2, 2), edit(5, 5)] }), edit(2, 2));
    });

    for (const [name, answer] of [
        ['no edits', { edits: [] }],
        ['null', null],
        ['a range without positions', { edits: [{ text: 'x', range: {}, textDocument: { uri: 'u', version: 1 } }] }],
        ['no version', { edits: [{ ...edit(1, 1), textDocument: { uri: 'u' } }] }],
    ] as const) {
        it(`is undefined for ${name}`, () => {
            assert.equal(firstEdit(answer), undefined);
        });
    }
});

describe('addedLabel', () => {
    it('shows one line as it is', () => assert.equal(addedLabel('cost'), 'cost'));
    it('counts the lines that follow', () => assert.equal(addedLabel('a\nb\nc'), 'a  ⏎ +2 lines'));
    it('shows lines added after a line end from their first', () =>
        assert.equal(addedLabel('\n    self.email = email'), '    self.email = email'));
    it('reads CRLF as one break', () => assert.equal(addedLabel('a\r\nb'), 'a  ⏎ +1 line'));
});

describe('tabAction and hint', () => {
    it('jumps from another line and applies on the edit', () => {
        assert.equal(tabAction(0, edit(2, 3)), 'jump');
        assert.equal(tabAction(3, edit(2, 3)), 'apply');
    });

    it('the hint says what Tab does and where', () => {
        assert.match(hint(0, edit(6, 6)), /line 7 .*Tab to go/);
        assert.match(hint(6, edit(6, 6)), /Tab to apply/);
    });
});

describe('diffMarkdown', () => {
    it('shows removed and added lines as a diff', () => {
        assert.match(diffMarkdown('price', 'cost'), /```diff\n- price\n\+ cost\n```/);
    });

    it('an insertion has no removed line', () => {
        assert.match(diffMarkdown('', 'x = 1'), /```diff\n\+ x = 1\n```/);
    });
});
