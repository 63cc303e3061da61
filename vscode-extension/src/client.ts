/**
 * Starting, stopping and talking to the ds-lsp process through vscode-languageclient.
 *
 * Settings travel as `initializationOptions`, as the answer to `workspace/configuration`
 * (section `ds-lsp`) and, on every change, as a `workspace/didChangeConfiguration` push.
 * The API key travels in the process environment (DEEPSEEK_API_KEY), so it never appears
 * in settings, in initialization options, or in an LSP trace.
 */

import { constants as fsConstants, existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import {
    CancellationToken,
    DidChangeConfigurationNotification,
    ExecuteCommandRequest,
    LanguageClient,
    LanguageClientOptions,
    MessageType,
    ServerOptions,
    ShowMessageNotification,
    State,
    WorkDoneProgress,
    WorkDoneProgressCreateRequest,
} from 'vscode-languageclient/node';
import { COMMANDS } from './commandIds';
import { ServerLogReader } from './logLevels';
import { ACTIONS, MessageAction, messageActions } from './messages';
import { onDidChangeSelectedInterpreter, probePython, selectedInterpreter } from './python';
import { ApiKeyStore } from './secrets';
import { NotFound, Resolution, ServerCommand, resolveServerCommand } from './serverCommand';
import { isEnabled, isLanguageDisabled, readClientSettings, readServerSettings } from './settings';
import { RESTART_KEYS, SECTION, SERVER_KEYS, affectsAny, serverEnvironment } from './settingsModel';
import { StatusBar } from './status';
import { StatusParams, isStatusParams } from './statusModel';

export const CLIENT_ID = 'ds-lsp';
const CLIENT_NAME = 'DeepSeek (ds-lsp)';
const SETTINGS_QUERY = '@ext:ds-lsp.ds-lsp';

export interface ClientHooks {
    /** Called when no server can be started (show what to do). */
    onServerMissing(notFound: NotFound): void;
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

/** `<extension>/bundled/libs` when the package bundles the server (`npm run package`). */
export function bundledLibs(extensionPath: string): string | undefined {
    const libs = path.join(extensionPath, 'bundled', 'libs');
    return existsSync(path.join(libs, 'ds_lsp', '__init__.py')) ? libs : undefined;
}

export async function findServer(extensionPath: string): Promise<Resolution> {
    const settings = readClientSettings();
    const interpreters = [settings.pythonPath, (await selectedInterpreter()) ?? '', settings.defaultInterpreter];
    return resolveServerCommand(
        {
            serverPath: settings.serverPath,
            interpreters,
            serverArgs: settings.serverArgs,
            bundledLibs: bundledLibs(extensionPath),
            env: process.env,
            platform: process.platform,
            home: os.homedir(),
        },
        { isExecutable, probe: probePython },
    );
}

export class ServerClient implements vscode.Disposable {
    readonly outputChannel: vscode.LogOutputChannel;
    private client: LanguageClient | undefined;
    private command: ServerCommand | undefined;
    private starting: Promise<void> | undefined;
    private readonly disposables: vscode.Disposable[] = [];
    private readonly editApplied = new vscode.EventEmitter<void>();
    private readonly progressMessage = new vscode.EventEmitter<string>();
    /** Fires after the server's workspace/applyEdit was applied (generated code inserted). */
    readonly onEditApplied = this.editApplied.event;
    /** The messages of the server's own $/progress (shown by the command that waits on it). */
    readonly onServerProgress = this.progressMessage.event;

    constructor(
        private readonly extensionPath: string,
        private readonly apiKeys: ApiKeyStore,
        private readonly status: StatusBar,
        private readonly hooks: ClientHooks,
    ) {
        this.outputChannel = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
        this.disposables.push(
            this.editApplied,
            this.progressMessage,
            this.outputChannel,
            vscode.workspace.onDidChangeConfiguration((e) => this.onConfigurationChanged(e)),
            apiKeys.onDidChange(() => void this.restart()),
        );
        void onDidChangeSelectedInterpreter(() => this.onInterpreterChanged()).then((d) => d && this.disposables.push(d));
    }

    /** The running client, if any. */
    get running(): LanguageClient | undefined {
        return this.client?.isRunning() ? this.client : undefined;
    }

    /** Run a command of the server (workspace/executeCommand); rejects when it fails. */
    async executeServerCommand(command: string, ...args: unknown[]): Promise<unknown> {
        const client = this.running;
        if (!client) {
            throw new Error('ds-lsp is not running');
        }
        return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
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
        const found = await findServer(this.extensionPath);
        if ('notFound' in found) {
            this.command = undefined;
            this.status.set('stopped', 'ds-lsp not found');
            this.outputChannel.error(`ds-lsp cannot start: ${JSON.stringify(found.notFound)} (PATH=${process.env.PATH ?? ''})`);
            this.hooks.onServerMissing(found.notFound);
            return;
        }
        const command = found.command;
        this.command = command;
        const pythonPath = command.env.PYTHONPATH ? ` with PYTHONPATH=${command.env.PYTHONPATH}` : '';
        this.outputChannel.info(
            `starting ${command.command} ${command.args.join(' ')}${pythonPath} (from ${command.source})` +
                (command.detail ? `: ${command.detail}` : ''),
        );
        this.outputChannel.debug(`PATH=${process.env.PATH ?? ''}`);
        const env = serverEnvironment(process.env, await this.apiKeys.all(), command.env);
        const serverOptions: ServerOptions = {
            command: command.command,
            args: command.args,
            // No `transport`: TransportKind.stdio would append `--stdio`; stdio is ds-lsp's default.
            options: { env },
        };
        const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, this.clientOptions());
        client.onNotification('ds-lsp/status', (params: unknown) => this.onStatus(params));
        client.onNotification(ShowMessageNotification.type, (params) => void this.onShowMessage(params.type, params.message));
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
            this.takeOverServerProgress(client);
        } catch (error) {
            this.status.set('stopped', String(error));
            this.outputChannel.error(`ds-lsp failed to start: ${String(error)}`);
            const choice = await vscode.window.showErrorMessage(
                `DeepSeek: ds-lsp failed to start (${command.command}). ${String(error)}`,
                ACTIONS.showOutput,
                ACTIONS.openSettings,
            );
            if (choice) {
                await this.runAction(choice);
            }
        }
    }

    private clientOptions(): LanguageClientOptions {
        return {
            documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
            initializationOptions: readServerSettings('initialization'),
            outputChannel: this.outputChannel,
            traceOutputChannel: this.outputChannel,
            stdioOptions: {
                stdout: (input, channel) => forEachLine(input, (line) => channel.info(line)),
                stderr: (input, channel) => {
                    const reader = new ServerLogReader();
                    forEachLine(input, (line) => {
                        const { level, text } = reader.read(line);
                        channel[level](text);
                    });
                },
            },
            middleware: {
                workspace: {
                    configuration: async (params, token, next) => {
                        const result = await next(params, token);
                        if (!Array.isArray(result)) {
                            return result;
                        }
                        return params.items.map((item, i) =>
                            item.section === SECTION
                                ? readServerSettings('workspace', item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                                : result[i],
                        );
                    },
                    // Settings are pushed by onConfigurationChanged (with env-aware values).
                    didChangeConfiguration: async () => undefined,
                    handleApplyEdit: async (params, next) => {
                        const result = await next(params, CancellationToken.None);
                        this.editApplied.fire();
                        return result;
                    },
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

    /**
     * The server's own $/progress (generate) would be a second notification next to the
     * command's own: answer window/workDoneProgress/create here instead of
     * vscode-languageclient's handler, and pass the messages on (onServerProgress).
     */
    private takeOverServerProgress(client: LanguageClient): void {
        client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
            const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
                if (value.kind === 'end') {
                    listener.dispose();
                } else if (value.message) {
                    this.progressMessage.fire(value.message);
                }
            });
        });
    }

    private onStatus(params: unknown): void {
        if (!isStatusParams(params)) {
            this.outputChannel.warn(`ignored ds-lsp/status ${JSON.stringify(params)}`);
            return;
        }
        const { state, message }: StatusParams = params;
        this.status.set(state, message ?? undefined);
    }

    /** A server message, with buttons when it calls for an action (messages.ts). */
    private async onShowMessage(type: MessageType, message: string): Promise<void> {
        const show =
            type === MessageType.Error
                ? vscode.window.showErrorMessage
                : type === MessageType.Warning
                  ? vscode.window.showWarningMessage
                  : vscode.window.showInformationMessage;
        const choice = await show<MessageAction>(message, ...messageActions(type, message));
        if (choice) {
            await this.runAction(choice);
        }
    }

    private async runAction(action: MessageAction): Promise<void> {
        switch (action) {
            case ACTIONS.setApiKey:
                await vscode.commands.executeCommand(COMMANDS.setApiKey);
                break;
            case ACTIONS.showOutput:
                this.outputChannel.show();
                break;
            case ACTIONS.openSettings:
                await vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS_QUERY);
                break;
        }
    }

    private onInterpreterChanged(): void {
        const source = this.command?.source;
        if ((source === 'bundled' || source === 'python') && !readClientSettings().pythonPath) {
            this.outputChannel.info('the selected Python interpreter changed: restarting ds-lsp');
            void this.restart();
        }
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
        const changed = SERVER_KEYS.filter((key) => affects(`${SECTION}.${key}`));
        if (changed.length && this.running) {
            this.outputChannel.info(`settings changed (${changed.join(', ')}): sending them to ds-lsp`);
            void this.running.sendNotification(DidChangeConfigurationNotification.type, {
                settings: { [SECTION]: readServerSettings('workspace') },
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

function forEachLine(input: NodeJS.ReadableStream, onLine: (line: string) => void): void {
    readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on('line', onLine);
}
