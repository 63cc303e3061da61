/** Reading the `ds-lsp.*` settings from VS Code (the pure part is in settingsModel.ts). */

import * as vscode from 'vscode';
import { SECTION, ServerKey, ServerSettings, SettingValue, SettingsLayer, serverSettings } from './settingsModel';

/** One setting with every layer VS Code kept (it drops restricted workspace values when untrusted). */
function settingValue(config: vscode.WorkspaceConfiguration, key: string): SettingValue {
    const info = config.inspect(key);
    return {
        value: config.get(key),
        defaultValue: info?.defaultValue,
        userValue: info?.globalValue,
        workspaceValues: [info?.workspaceValue, info?.workspaceFolderValue].filter((v) => v !== undefined),
    };
}

/** The server's settings as VS Code sees them for `scope` (a document or folder URI). */
export function readServerSettings(layer: SettingsLayer, scope?: vscode.Uri): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope ?? null);
    return serverSettings((key: ServerKey) => settingValue(config, key), process.env, layer);
}

export interface ClientSettings {
    serverPath: string;
    pythonPath: string;
    serverArgs: string[];
    defaultInterpreter: string;
}

/** The settings that choose the server process (machine-scoped: never from a workspace). */
export function readClientSettings(): ClientSettings {
    const config = vscode.workspace.getConfiguration(SECTION);
    const text = (value: unknown): string => (typeof value === 'string' ? value : '');
    const args: unknown = config.get('serverArgs', []);
    return {
        serverPath: text(config.get('serverPath', '')),
        pythonPath: text(config.get('pythonPath', '')),
        serverArgs: Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [],
        defaultInterpreter: text(vscode.workspace.getConfiguration('python').get('defaultInterpreterPath', '')),
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
