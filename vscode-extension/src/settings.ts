/** Reading the `ds-lsp.*` settings from VS Code (the pure part is in settingsModel.ts). */

import * as vscode from 'vscode';
import { SECTION, ServerKey, ServerSettings, serverSettings } from './settingsModel';

function isExplicit(info: ReturnType<vscode.WorkspaceConfiguration['inspect']>): boolean {
    if (!info) {
        return false;
    }
    return [
        info.globalValue,
        info.workspaceValue,
        info.workspaceFolderValue,
        info.globalLanguageValue,
        info.workspaceLanguageValue,
        info.workspaceFolderLanguageValue,
    ].some((v) => v !== undefined);
}

/** The server's settings as VS Code sees them for `scope` (a document or folder URI). */
export function readServerSettings(scope?: vscode.Uri): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope ?? null);
    return serverSettings(
        (key: ServerKey) => ({ value: config.get(key), explicit: isExplicit(config.inspect(key)) }),
        process.env,
    );
}

export interface ClientSettings {
    serverPath: string;
    pythonPath: string;
    serverArgs: string[];
    defaultInterpreter: string;
}

/** The settings that choose the server process. */
export function readClientSettings(): ClientSettings {
    const config = vscode.workspace.getConfiguration(SECTION);
    return {
        serverPath: config.get<string>('serverPath', '') ?? '',
        pythonPath: config.get<string>('pythonPath', '') ?? '',
        serverArgs: (config.get<string[]>('serverArgs', []) ?? []).filter((a) => typeof a === 'string'),
        defaultInterpreter: vscode.workspace.getConfiguration('python').get<string>('defaultInterpreterPath', '') ?? '',
    };
}

export function isEnabled(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<boolean>('enable', true);
}

export function isLanguageDisabled(languageId: string): boolean {
    const disabled = vscode.workspace.getConfiguration(SECTION).get<string[]>('disabledLanguages', []);
    return Array.isArray(disabled) && disabled.includes(languageId);
}

/** Flip `ds-lsp.enable` where it is set (workspace or user settings). */
export async function toggleEnabled(): Promise<boolean> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const info = config.inspect<boolean>('enable');
    const target =
        info?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const next = !isEnabled();
    await config.update('enable', next, target);
    return next;
}
