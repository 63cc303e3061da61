/** The status bar item: idle / fetching / error / disabled; a click toggles completions. */

import * as vscode from 'vscode';
import { StatusState, statusView } from './statusModel';

export class StatusBar implements vscode.Disposable {
    private readonly item: vscode.StatusBarItem;
    private current: StatusState = 'starting';

    constructor(toggleCommand: string) {
        this.item = vscode.window.createStatusBarItem('ds-lsp.status', vscode.StatusBarAlignment.Right, 100);
        this.item.name = 'DeepSeek Completions';
        this.item.command = toggleCommand;
        this.set('starting');
        this.item.show();
    }

    get state(): StatusState {
        return this.current;
    }

    set(state: StatusState, message?: string): void {
        this.current = state;
        const view = statusView(state, message);
        this.item.text = view.text;
        this.item.tooltip = view.tooltip;
        this.item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
        this.item.accessibilityInformation = { label: `DeepSeek: ${state}${message ? `: ${message}` : ''}` };
    }

    dispose(): void {
        this.item.dispose();
    }
}
