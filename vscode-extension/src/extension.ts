/** Entry point: activate and deactivate only; the parts live in their own modules. */

import * as vscode from 'vscode';
import { ServerClient } from './client';
import { COMMANDS } from './commandIds';
import { registerCommands, showServerMissing } from './commands';
import { NextEditController } from './nextEdit';
import { ApiKeyStore } from './secrets';
import { StatusBar } from './status';

let server: ServerClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const apiKeys = new ApiKeyStore(context.secrets);
    const status = new StatusBar(COMMANDS.menu);
    let missingShown = false;
    server = new ServerClient(context.extensionPath, apiKeys, status, {
        onServerMissing: (notFound) => {
            if (!missingShown) {
                missingShown = true;
                void showServerMissing(notFound);
            }
        },
    });
    context.subscriptions.push(apiKeys, status, ...registerCommands(context, server, apiKeys, status));
    context.subscriptions.push(new NextEditController(server));
    await server.start();
}

export async function deactivate(): Promise<void> {
    await server?.dispose();
    server = undefined;
}
