/** Entry point: activate and deactivate only; the parts live in their own modules. */

import * as vscode from 'vscode';
import { ServerClient } from './client';
import { COMMANDS } from './commandIds';
import { offerSetApiKey, registerCommands, showServerMissing } from './commands';
import { ApiKeyStore } from './secrets';
import { StatusBar } from './status';

let server: ServerClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const apiKeys = new ApiKeyStore(context.secrets);
    const status = new StatusBar(COMMANDS.toggle);
    let missingShown = false;
    server = new ServerClient(apiKeys, status, {
        onServerMissing: () => {
            if (!missingShown) {
                missingShown = true;
                void showServerMissing();
            }
        },
        onApiKeyMessage: (message) => void offerSetApiKey(message),
    });
    context.subscriptions.push(apiKeys, status, ...registerCommands(context, server, apiKeys));
    await server.start();
}

export async function deactivate(): Promise<void> {
    await server?.dispose();
    server = undefined;
}
