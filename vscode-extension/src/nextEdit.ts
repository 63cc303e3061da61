/**
 * Next edit suggestions in the editor, with the stable API only: after an edit pause the
 * extension asks ds-lsp (`textDocument/copilotInlineEdit`) for the edit the user is about to
 * make; it shows as decorations (the replaced text struck through, the new text after it, the
 * whole diff on hover) with a status bar hint. Tab jumps to it, Tab again applies it (and runs
 * its command, which counts it as accepted); Escape dismisses it (the server will not offer it
 * again). Each shown edit is reported with `textDocument/didShowInlineEdit`.
 */

import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient } from 'vscode-languageclient/node';
import { ServerClient } from './client';
import {
    DID_SHOW_METHOD,
    DISMISSED_COMMAND,
    InlineEdit,
    NEXT_EDIT_COMMANDS,
    NEXT_EDIT_CONTEXT,
    NEXT_EDIT_METHOD,
    PAUSE_MS,
    addedLabel,
    diffMarkdown,
    firstEdit,
    hint,
    tabAction,
} from './nextEditModel';
import { isEnabled, isLanguageDisabled } from './settings';

interface Shown {
    editor: vscode.TextEditor;
    edit: InlineEdit;
    range: vscode.Range;
    version: number;
    client: LanguageClient;
}

export class NextEditController implements vscode.Disposable {
    private readonly removed = vscode.window.createTextEditorDecorationType({
        textDecoration: 'line-through',
        backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
    });
    private readonly added = vscode.window.createTextEditorDecorationType({
        after: {
            backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground'),
            margin: '0 0 0 0.2em',
        },
    });
    private readonly status = vscode.window.createStatusBarItem('ds-lsp.nextEdit', vscode.StatusBarAlignment.Right, 99);
    private readonly disposables: vscode.Disposable[] = [];
    private timer: ReturnType<typeof setTimeout> | undefined;
    private request: vscode.CancellationTokenSource | undefined;
    private shown: Shown | undefined;

    constructor(private readonly server: ServerClient) {
        this.status.name = 'DeepSeek Next Edit';
        this.status.command = NEXT_EDIT_COMMANDS.tab;
        this.disposables.push(
            this.removed,
            this.added,
            this.status,
            vscode.commands.registerCommand(NEXT_EDIT_COMMANDS.tab, () => this.tab()),
            vscode.commands.registerCommand(NEXT_EDIT_COMMANDS.dismiss, () => this.dismiss()),
            vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
            vscode.window.onDidChangeActiveTextEditor(() => this.clear()),
            vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
        );
    }

    private onChange(e: vscode.TextDocumentChangeEvent): void {
        const editor = vscode.window.activeTextEditor;
        if (!editor || e.document !== editor.document || e.contentChanges.length === 0) {
            return;
        }
        this.clear();
        this.request?.cancel();
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.ask(editor), PAUSE_MS);
    }

    private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
        if (this.shown && e.textEditor === this.shown.editor) {
            this.status.text = hint(e.selections[0].active.line, this.shown.edit);
        }
    }

    /** Ask for the next edit at the cursor; show it if the document did not move on. */
    private async ask(editor: vscode.TextEditor): Promise<void> {
        const client = this.server.running;
        const doc = editor.document;
        if (!client || editor !== vscode.window.activeTextEditor || !isEnabled() || isLanguageDisabled(doc.languageId)) {
            return;
        }
        this.request?.cancel();
        const source = new vscode.CancellationTokenSource();
        this.request = source;
        const version = doc.version;
        const params = {
            textDocument: { uri: client.code2ProtocolConverter.asUri(doc.uri), version },
            position: client.code2ProtocolConverter.asPosition(editor.selection.active),
        };
        let result: unknown;
        try {
            result = await client.sendRequest(NEXT_EDIT_METHOD, params, source.token);
        } catch {
            return; // cancelled, or the server went away
        }
        const edit = firstEdit(result);
        const current = !source.token.isCancellationRequested && editor === vscode.window.activeTextEditor;
        if (edit && current && doc.version === version && edit.textDocument.version === version) {
            this.show(editor, client, edit, version);
        }
    }

    private show(editor: vscode.TextEditor, client: LanguageClient, edit: InlineEdit, version: number): void {
        const range = client.protocol2CodeConverter.asRange(edit.range);
        const hoverMessage = new vscode.MarkdownString(diffMarkdown(editor.document.getText(range), edit.text));
        editor.setDecorations(this.removed, range.isEmpty ? [] : [{ range, hoverMessage }]);
        const after = { contentText: addedLabel(edit.text) };
        editor.setDecorations(this.added, [{ range: new vscode.Range(range.end, range.end), hoverMessage, renderOptions: { after } }]);
        this.shown = { editor, edit, range, version, client };
        void vscode.commands.executeCommand('setContext', NEXT_EDIT_CONTEXT, true);
        this.status.text = hint(editor.selection.active.line, edit);
        this.status.tooltip = new vscode.MarkdownString(diffMarkdown(editor.document.getText(range), edit.text));
        this.status.show();
        void client.sendNotification(DID_SHOW_METHOD, { item: edit });
    }

    /** Tab: go to the edit, or apply it when the cursor is on it already. */
    private async tab(): Promise<void> {
        const s = this.shown;
        if (!s || s.editor.document.version !== s.version) {
            this.clear();
            return;
        }
        if (tabAction(s.editor.selection.active.line, s.edit) === 'jump') {
            s.editor.selection = new vscode.Selection(s.range.start, s.range.start);
            s.editor.revealRange(s.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
            this.status.text = hint(s.range.start.line, s.edit);
            return;
        }
        this.clear();
        const applied = await s.editor.edit((b) => b.replace(s.range, s.edit.text));
        if (applied && s.edit.command) {
            const { command, arguments: args } = s.edit.command;
            await s.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }).catch(() => undefined);
        }
    }

    /** Escape: hide the edit; the server hears it was dismissed and does not offer it again. */
    private dismiss(): void {
        const s = this.shown;
        this.clear();
        if (s?.edit.command) {
            const params = { command: DISMISSED_COMMAND, arguments: s.edit.command.arguments };
            void s.client.sendRequest(ExecuteCommandRequest.type, params).catch(() => undefined);
        }
    }

    private clear(): void {
        if (!this.shown) {
            return;
        }
        this.shown.editor.setDecorations(this.removed, []);
        this.shown.editor.setDecorations(this.added, []);
        this.shown = undefined;
        this.status.hide();
        void vscode.commands.executeCommand('setContext', NEXT_EDIT_CONTEXT, false);
    }

    dispose(): void {
        clearTimeout(this.timer);
        this.request?.cancel();
        this.clear();
        for (const d of this.disposables) {
            d.dispose();
        }
    }
}
