/**
 * Starting, stopping and talking to the ds-lsp process through vscode-languageclient.
 *
 * Settings travel as `initializationOptions`, as the answer to `workspace/configuration`
 * (section `ds-lsp`) and, on every change, as a `workspace/didChangeConfiguration` push.
 * The API key travels in the process environment (DEEPSEEK_API_KEY), so it never appears
 * in settings, in initialization options, or in an LSP trace.
 */

import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
    DidChangeConfigurationNotification,
    LanguageClient,
    LanguageClientOptions,
    MessageType,
    ServerOptions,
    ShowMessageNotification,
    State,
} from 'vscode-languageclient/node';
import { isApiKeyMessage } from './messages';
import { ApiKeyStore } from './secrets';
import { ServerCommand, resolveServerCommand } from './serverCommand';
import { isEnabled, isLanguageDisabled, readClientSettings, readServerSettings } from './settings';
import { RESTART_KEYS, SECTION, SERVER_KEYS, affectsAny, serverEnvironment } from './settingsModel';
import { StatusBar } from './status';
import { StatusParams, isStatusParams } from './statusModel';

export const CLIENT_ID = 'ds-lsp';
const CLIENT_NAME = 'DeepSeek (ds-lsp)';

export interface ClientHooks {
    /** Called when ds-lsp cannot be found anywhere (show the install notification). */
    onServerMissing(): void;
    /** Called for a server message about the API key (offer the Set API Key command). */
    onApiKeyMessage(message: string): void;
}

async function isExecutable(file: string): Promise<boolean> {
    try {
        const st = await fs.stat(file);
        await fs.access(file, fsConstants.X_OK);
        return st.isFile();
    } catch {
        return false;
    }
}

/** The absolute interpreter path when `python` can import ds_lsp (shims resolve to the real one). */
function canImportServer(python: string): Promise<string | undefined> {
    const script = 'import sys, ds_lsp; print(sys.executable)';
    return new Promise((resolve) => {
        execFile(python, ['-c', script], { timeout: 20_000, cwd: os.homedir() }, (error, stdout) => {
            const executable = stdout.trim();
            resolve(error || !executable ? undefined : executable);
        });
    });
}

export function findServer(): Promise<ServerCommand | undefined> {
    const settings = readClientSettings();
    return resolveServerCommand(
        { ...settings, env: process.env, platform: process.platform, home: os.homedir() },
        { isExecutable, canImportServer },
    );
}

export class ServerClient implements vscode.Disposable {
    readonly outputChannel: vscode.LogOutputChannel;
    private client: LanguageClient | undefined;
    private starting: Promise<void> | undefined;
    private readonly disposables: vscode.Disposable[] = [];

    constructor(
        private readonly apiKeys: ApiKeyStore,
        private readonly status: StatusBar,
        private readonly hooks: ClientHooks,
    ) {
        this.outputChannel = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
        this.disposables.push(
            this.outputChannel,
            vscode.workspace.onDidChangeConfiguration((e) => this.onConfigurationChanged(e)),
            apiKeys.onDidChange(() => void this.restart()),
        );
    }

    /** The running client, if any. */
    get running(): LanguageClient | undefined {
        return this.client?.isRunning() ? this.client : undefined;
    }

    start(): Promise<void> {
        this.starting ??= this.doStart().finally(() => (this.starting = undefined));
        return this.starting;
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client) {
            try {
                await client.stop(5000);
            } catch (error) {
                this.outputChannel.warn(`stopping ds-lsp: ${String(error)}`);
            }
            await client.dispose();
        }
        this.status.set('stopped');
    }

    async restart(): Promise<void> {
        await this.starting;
        await this.stop();
        await this.start();
    }

    private async doStart(): Promise<void> {
        this.status.set('starting');
        const command = await findServer();
        if (!command) {
            this.status.set('stopped', 'ds-lsp not found');
            this.outputChannel.error(
                `ds-lsp not found: set "ds-lsp.serverPath", or run "pip install ds-lsp" (PATH=${process.env.PATH ?? ''})`,
            );
            this.hooks.onServerMissing();
            return;
        }
        this.outputChannel.info(`starting ${command.command} ${command.args.join(' ')} (from ${command.source})`);
        this.outputChannel.debug(`PATH=${process.env.PATH ?? ''}`);
        const env = serverEnvironment(process.env, await this.apiKeys.all());
        const serverOptions: ServerOptions = {
            command: command.command,
            args: command.args,
            // No `transport`: TransportKind.stdio would append `--stdio`; stdio is ds-lsp's default.
            options: { env },
        };
        const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, this.clientOptions());
        client.onNotification('ds-lsp/status', (params: unknown) => this.onStatus(params));
        client.onNotification(ShowMessageNotification.type, (params) => this.onShowMessage(params.type, params.message));
        client.onDidChangeState((e) => {
            if (e.newState === State.Running) {
                this.status.set(isEnabled() ? 'idle' : 'disabled');
            } else if (e.newState === State.Stopped) {
                this.status.set('stopped');
            }
        });
        this.client = client;
        try {
            await client.start();
        } catch (error) {
            this.status.set('stopped', String(error));
            this.outputChannel.error(`ds-lsp failed to start: ${String(error)}`);
            const choice = await vscode.window.showErrorMessage(
                `DeepSeek: ds-lsp failed to start (${command.command}). ${String(error)}`,
                'Show Output',
                'Open Settings',
            );
            if (choice === 'Show Output') {
                this.outputChannel.show();
            } else if (choice === 'Open Settings') {
                void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:ds-lsp.ds-lsp');
            }
        }
    }

    private clientOptions(): LanguageClientOptions {
        return {
            documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
            initializationOptions: readServerSettings(),
            outputChannel: this.outputChannel,
            traceOutputChannel: this.outputChannel,
            middleware: {
                workspace: {
                    configuration: async (params, token, next) => {
                        const result = await next(params, token);
                        if (!Array.isArray(result)) {
                            return result;
                        }
                        return params.items.map((item, i) =>
                            item.section === SECTION
                                ? readServerSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                                : result[i],
                        );
                    },
                    // Settings are pushed by onConfigurationChanged (with env-aware values).
                    didChangeConfiguration: async () => undefined,
                },
                provideInlineCompletionItems: (document, position, context, token, next) => {
                    if (!isEnabled() || isLanguageDisabled(document.languageId)) {
                        return null;
                    }
                    return next(document, position, context, token);
                },
            },
        };
    }

    private onStatus(params: unknown): void {
        if (!isStatusParams(params)) {
            this.outputChannel.warn(`ignored ds-lsp/status ${JSON.stringify(params)}`);
            return;
        }
        const { state, message }: StatusParams = params;
        this.status.set(state, message ?? undefined);
    }

    private onShowMessage(type: MessageType, message: string): void {
        if (isApiKeyMessage(type, message)) {
            this.hooks.onApiKeyMessage(message);
            return;
        }
        const show =
            type === MessageType.Error
                ? vscode.window.showErrorMessage
                : type === MessageType.Warning
                  ? vscode.window.showWarningMessage
                  : vscode.window.showInformationMessage;
        void show(message);
    }

    private onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
        const affects = (s: string): boolean => e.affectsConfiguration(s);
        if (affectsAny(affects, RESTART_KEYS)) {
            void this.restart();
            return;
        }
        if (affectsAny(affects, ['enable']) && this.running) {
            this.status.set(isEnabled() ? 'idle' : 'disabled');
        }
        if (affectsAny(affects, SERVER_KEYS) && this.running) {
            void this.running.sendNotification(DidChangeConfigurationNotification.type, {
                settings: { [SECTION]: readServerSettings() },
            });
        }
    }

    async dispose(): Promise<void> {
        await this.stop();
        for (const d of this.disposables) {
            d.dispose();
        }
    }
}
