/** The extension's commands (contributed in package.json under the "DeepSeek" category). */

import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import { ServerClient } from './client';
import { COMMANDS, OPEN_DOCS_COMMAND, SERVER_COMMANDS } from './commandIds';
import {
    GENERATE_COMMAND,
    GenerateResult,
    generateArgument,
    isGenerateResult,
    needsInstruction,
} from './generateArgs';
import { MenuAction, SNOOZE_MINUTES, menuEntries } from './menuModel';
import { ApiKeyStore } from './secrets';
import { NotFound, notFoundMessage } from './serverCommand';
import { isEnabled, toggleEnabled } from './settings';
import { SECTION, secretKeyForBackend } from './settingsModel';
import { StatusBar } from './status';

const SETTINGS_QUERY = '@ext:ds-lsp.ds-lsp';

export function registerCommands(
    context: vscode.ExtensionContext,
    server: ServerClient,
    apiKeys: ApiKeyStore,
    status: StatusBar,
): vscode.Disposable[] {
    return [
        vscode.commands.registerCommand(COMMANDS.menu, () => showMenu(server, status)),
        vscode.commands.registerCommand(COMMANDS.snooze, () => pickSnooze(server, status)),
        vscode.commands.registerCommand(COMMANDS.resume, () => snooze(server, status, 0)),
        vscode.commands.registerCommand(COMMANDS.usage, () => showUsage(server)),
        vscode.commands.registerCommand(COMMANDS.generate, () => generateCodeBlock(server)),
        vscode.commands.registerCommand(COMMANDS.toggle, toggleCompletions),
        vscode.commands.registerCommand(COMMANDS.setApiKey, () => setApiKey(apiKeys)),
        vscode.commands.registerCommand(COMMANDS.clearApiKey, () => clearApiKey(apiKeys)),
        vscode.commands.registerCommand(COMMANDS.showOutput, () => server.outputChannel.show()),
        vscode.commands.registerCommand(COMMANDS.restart, () => server.restart()),
        vscode.commands.registerCommand(OPEN_DOCS_COMMAND, () => openDocs(context)),
    ];
}

/** The status item's menu: what fixes an error first, then snooze, usage, output, key, settings. */
async function showMenu(server: ServerClient, status: StatusBar): Promise<void> {
    const entries = menuEntries(status.state, status.errorMessage);
    const picked = await vscode.window.showQuickPick(entries, { title: 'DeepSeek Completions', placeHolder: 'What now?' });
    if (picked) {
        await runMenuAction(picked.action, server, status);
    }
}

async function runMenuAction(action: MenuAction, server: ServerClient, status: StatusBar): Promise<void> {
    const minutes = SNOOZE_MINUTES[action];
    if (minutes !== undefined) {
        await snooze(server, status, minutes);
        return;
    }
    switch (action) {
        case 'setApiKey':
            await vscode.commands.executeCommand(COMMANDS.setApiKey);
            break;
        case 'showOutput':
            server.outputChannel.show();
            break;
        case 'openSettings':
            await vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS_QUERY);
            break;
        case 'turnOff':
        case 'turnOn':
            if ((action === 'turnOn') !== isEnabled()) {
                await toggleCompletions();
            }
            break;
        case 'showUsage':
            await showUsage(server);
            break;
    }
}

async function pickSnooze(server: ServerClient, status: StatusBar): Promise<void> {
    const choices = [5, 15, 60].map((m) => ({ label: `${m} minutes`, minutes: m }));
    const picked = await vscode.window.showQuickPick(choices, { title: 'DeepSeek: Snooze Completions for…' });
    if (picked) {
        await snooze(server, status, picked.minutes);
    }
}

/** Ask the server to pause completions for `minutes` (0: resume); it resumes by itself. */
async function snooze(server: ServerClient, status: StatusBar, minutes: number): Promise<void> {
    try {
        await server.executeServerCommand(SERVER_COMMANDS.snooze, { minutes });
    } catch (error) {
        void vscode.window.showWarningMessage(`DeepSeek: this ds-lsp cannot snooze (${String(error)}).`);
        return;
    }
    status.snooze(minutes > 0 ? Date.now() + minutes * 60_000 : undefined);
    vscode.window.setStatusBarMessage(minutes > 0 ? `DeepSeek: snoozed for ${minutes} minutes` : 'DeepSeek: completions resumed', 3000);
}

/** The server shows the figures itself (window/showMessage) and returns them. */
async function showUsage(server: ServerClient): Promise<void> {
    try {
        await server.executeServerCommand(SERVER_COMMANDS.showUsage);
    } catch (error) {
        void vscode.window.showWarningMessage(`DeepSeek: no usage figures (${String(error)}).`);
    }
}

async function toggleCompletions(): Promise<void> {
    const enabled = await toggleEnabled();
    vscode.window.setStatusBarMessage(`DeepSeek completions ${enabled ? 'on' : 'off'}`, 3000);
}

function currentBackend(): { backend: string; key: string } {
    const backend = vscode.workspace.getConfiguration(SECTION).get<string>('backend', 'deepseek') || 'deepseek';
    return { backend, key: secretKeyForBackend(backend) };
}

async function setApiKey(apiKeys: ApiKeyStore): Promise<void> {
    const { backend, key } = currentBackend();
    const value = await vscode.window.showInputBox({
        title: backend === 'deepseek' ? 'DeepSeek: Set API Key' : `DeepSeek: Set API Key (${backend} backend)`,
        prompt:
            backend === 'deepseek'
                ? "Your DeepSeek API key (platform.deepseek.com). Stored in VS Code's secret storage."
                : `The API key of the ${backend} backend. Stored in VS Code's secret storage.`,
        placeHolder: 'sk-…',
        password: true,
        ignoreFocusOut: true,
        validateInput: (text) => (text.trim() ? undefined : 'The key cannot be empty'),
    });
    if (value?.trim()) {
        await apiKeys.set(key, value); // the server restarts with it (ApiKeyStore.onDidChange)
        vscode.window.setStatusBarMessage('DeepSeek: API key saved', 3000);
    }
}

async function clearApiKey(apiKeys: ApiKeyStore): Promise<void> {
    await apiKeys.clear(currentBackend().key);
    vscode.window.setStatusBarMessage('DeepSeek: API key removed', 3000);
}

async function generateCodeBlock(server: ServerClient): Promise<GenerateResult | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
        void vscode.window.showInformationMessage('DeepSeek: open a file to generate code in.');
        return undefined;
    }
    const client = server.running;
    if (!client) {
        void vscode.window.showWarningMessage('DeepSeek: ds-lsp is not running.', 'Show Output').then((c) => {
            if (c) {
                server.outputChannel.show();
            }
        });
        return undefined;
    }
    const { document, selection } = editor;
    const line = selection.active.line;
    let instruction: string | undefined;
    if (needsInstruction(!selection.isEmpty, document.lineAt(line).text, line > 0 ? document.lineAt(line - 1).text : undefined)) {
        instruction = await vscode.window.showInputBox({
            title: 'DeepSeek: Generate Code Block',
            prompt: 'What should the code do? (Tip: or write it as a comment above the cursor, or select code to rewrite.)',
            placeHolder: 'e.g. read a CSV file and sum its second column',
            ignoreFocusOut: true,
        });
        if (!instruction?.trim()) {
            return undefined;
        }
    }
    const c2p = client.code2ProtocolConverter;
    const where = selection.isEmpty ? { position: c2p.asPosition(selection.active) } : { range: c2p.asRange(selection) };
    const argument = generateArgument(c2p.asUri(document.uri), where, instruction);
    // One indicator (the server's own $/progress is not shown, client.ts), closed as soon as
    // the code is inserted rather than when the command's answer arrives.
    const pending = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'DeepSeek: generating code…', cancellable: true },
        async (progress, token) => {
            const reported = server.onServerProgress((message) => progress.report({ message }));
            const request = client
                .sendRequest(ExecuteCommandRequest.type, { command: GENERATE_COMMAND, arguments: [argument] }, token)
                .then(
                    (r) => r as unknown,
                    (error: unknown) => {
                        if (!token.isCancellationRequested) {
                            void vscode.window.showErrorMessage(`DeepSeek: generating code failed: ${String(error)}`);
                        }
                        return undefined;
                    },
                );
            let applied: vscode.Disposable | undefined;
            const inserted = new Promise<void>((resolve) => (applied = server.onEditApplied(() => resolve())));
            await Promise.race([request, inserted]).finally(() => {
                reported.dispose();
                applied?.dispose();
            });
            return { request }; // wrapped: the toast does not wait for the answer
        },
    );
    const result = await pending.request;
    if (isGenerateResult(result)) {
        if (!result.applied) {
            void vscode.window.showWarningMessage(
                result.text ? 'DeepSeek: the editor did not accept the generated code.' : 'DeepSeek: no code was generated.',
            );
        }
        return result;
    }
    return undefined;
}

async function openDocs(context: vscode.ExtensionContext): Promise<void> {
    const readme = vscode.Uri.joinPath(context.extensionUri, 'README.md');
    await vscode.commands.executeCommand('markdown.showPreview', readme);
}

/** The one notification shown when no server can be started, saying what to do. */
export async function showServerMissing(notFound: NotFound): Promise<void> {
    const openDocs = 'Open Docs';
    const openSettings = 'Open Settings';
    const choice = await vscode.window.showErrorMessage(notFoundMessage(notFound), openDocs, openSettings);
    if (choice === openDocs) {
        await vscode.commands.executeCommand(OPEN_DOCS_COMMAND);
    } else if (choice === openSettings) {
        const setting = notFound.needsPython ? 'ds-lsp.pythonPath' : 'ds-lsp.serverPath';
        await vscode.commands.executeCommand('workbench.action.openSettings', setting);
    }
}
