/** API keys in VS Code's SecretStorage (never in settings.json), one per backend. */

import * as vscode from 'vscode';
import { SECRET_ENV } from './settingsModel';

const secretId = (key: string): string => `ds-lsp.${key}`;

export class ApiKeyStore {
    readonly onDidChange: vscode.Event<void>;
    private readonly emitter = new vscode.EventEmitter<void>();
    private readonly subscription: vscode.Disposable;

    constructor(private readonly secrets: vscode.SecretStorage) {
        this.onDidChange = this.emitter.event;
        this.subscription = secrets.onDidChange((e) => {
            if (Object.keys(SECRET_ENV).some((key) => e.key === secretId(key))) {
                this.emitter.fire();
            }
        });
    }

    /** Every stored key by its secret setting name (`apiKey`, `codestralApiKey`, ...). */
    async all(): Promise<Record<string, string | undefined>> {
        const result: Record<string, string | undefined> = {};
        for (const key of Object.keys(SECRET_ENV)) {
            result[key] = await this.secrets.get(secretId(key));
        }
        return result;
    }

    async set(key: string, value: string): Promise<void> {
        await this.secrets.store(secretId(key), value.trim());
    }

    async clear(key: string): Promise<void> {
        await this.secrets.delete(secretId(key));
    }

    dispose(): void {
        this.subscription.dispose();
        this.emitter.dispose();
    }
}
