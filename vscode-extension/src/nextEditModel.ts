/**
 * Next edit suggestions, the pure part: the wire shapes of `textDocument/copilotInlineEdit`,
 * what the decoration shows, and what Tab does. The VS Code side is nextEdit.ts.
 */

/** Keybinding-only commands (not in the palette); package.json binds Tab and Escape to them. */
export const NEXT_EDIT_COMMANDS = {
    tab: 'ds-lsp.nextEdit.tab',
    dismiss: 'ds-lsp.nextEdit.dismiss',
} as const;

/** The context key that is true while a next edit is shown (package.json `when` clauses). */
export const NEXT_EDIT_CONTEXT = 'ds-lsp.nextEditVisible';

/** The request, the notification and the server command that says "dismissed". */
export const NEXT_EDIT_METHOD = 'textDocument/copilotInlineEdit';
export const DID_SHOW_METHOD = 'textDocument/didShowInlineEdit';
export const DISMISSED_COMMAND = 'ds-lsp.dismissedNextEdit';

/** The pause after the last change before asking (the server debounces on top of it). */
export const PAUSE_MS = 500;

export interface WirePosition {
    line: number;
    character: number;
}

export interface WireRange {
    start: WirePosition;
    end: WirePosition;
}

export interface WireCommand {
    title: string;
    command: string;
    arguments?: unknown[];
}

export interface InlineEdit {
    text: string;
    range: WireRange;
    textDocument: { uri: string; version: number };
    command?: WireCommand;
}

function isPosition(value: unknown): value is WirePosition {
    const p = value as WirePosition;
    return typeof p === 'object' && p !== null && Number.isInteger(p.line) && Number.isInteger(p.character);
}

function isInlineEdit(value: unknown): value is InlineEdit {
    const e = value as InlineEdit;
    return (
        typeof e === 'object' &&
        e !== null &&
        typeof e.text === 'string' &&
        typeof e.range === 'object' &&
        e.range !== null &&
        isPosition(e.range.start) &&
        isPosition(e.range.end) &&
        typeof e.textDocument?.uri === 'string' &&
        Number.isInteger(e.textDocument?.version)
    );
}

/** The first edit of a copilotInlineEdit answer, if it is well formed. */
export function firstEdit(result: unknown): InlineEdit | undefined {
    const edits = (result as { edits?: unknown } | null)?.edits;
    return Array.isArray(edits) && isInlineEdit(edits[0]) ? edits[0] : undefined;
}

/** What the decoration after the replaced text says: the new text's first line, and how many
 * more lines follow (a decoration holds one line). */
export function addedLabel(text: string): string {
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    if (lines.length > 1 && lines[0] === '') {
        lines.shift(); // lines inserted after the end of a line: show the first of them
    }
    const more = lines.length - 1;
    return more > 0 ? `${lines[0]}  ⏎ +${more} line${more > 1 ? 's' : ''}` : lines[0];
}

/** The hover over a shown edit: the text it removes and adds, as a diff. */
export function diffMarkdown(removed: string, added: string): string {
    const lines = (text: string, sign: string): string[] =>
        text === '' ? [] : text.replace(/\r\n/g, '\n').split('\n').map((l) => `${sign} ${l}`);
    const fence = '```';
    const diff = [...lines(removed, '-'), ...lines(added, '+')].join('\n');
    return `**DeepSeek: next edit** (Tab to apply, Escape to dismiss)\n\n${fence}diff\n${diff}\n${fence}`;
}

/** What Tab does: jump to the edit when the cursor is on another line, else apply it. */
export function tabAction(cursorLine: number, edit: InlineEdit): 'jump' | 'apply' {
    return cursorLine >= edit.range.start.line && cursorLine <= edit.range.end.line ? 'apply' : 'jump';
}

/** The status bar hint while an edit is shown. */
export function hint(cursorLine: number, edit: InlineEdit): string {
    const where = edit.range.start.line + 1;
    return tabAction(cursorLine, edit) === 'jump'
        ? `$(arrow-right) DeepSeek: next edit at line ${where} (Tab to go, Escape to dismiss)`
        : `$(check) DeepSeek: next edit (Tab to apply, Escape to dismiss)`;
}
