/**
 * The status bar item: idle / fetching / error / disabled, or snoozed (set here while a snooze
 * the user asked for runs); a click opens the DeepSeek menu (commands.ts).
 */

import * as vscode from 'vscode';
import { StatusState, statusView } from './statusModel';

export class StatusBar implements vscode.Disposable {
    private readonly item: vscode.StatusBarItem;
    private current: StatusState = 'starting';
    private message: string | undefined;
    private snoozeTimer: NodeJS.Timeout | undefined;
    /** When a snooze ends (epoch ms), while one runs. */
    snoozedUntil: number | undefined;

    constructor(menuCommand: string) {
        this.item = vscode.window.createStatusBarItem('ds-lsp.status', vscode.StatusBarAlignment.Right, 100);
        this.item.name = 'DeepSeek Completions';
        this.item.command = menuCommand;
        this.set('starting');
        this.item.show();
    }

    /** The state shown: the server's, or `snoozed` over idle and fetching while a snooze runs. */
    get state(): StatusState {
        return this.snoozedUntil !== undefined && (this.current === 'idle' || this.current === 'fetching')
            ? 'snoozed'
            : this.current;
    }

    get errorMessage(): string | undefined {
        return this.current === 'error' ? this.message : undefined;
    }

    set(state: StatusState, message?: string): void {
        this.current = state;
        this.message = message;
        this.render();
    }

    /** Show a snooze until `until` (epoch ms), or end it (undefined). */
    snooze(until: number | undefined): void {
        clearTimeout(this.snoozeTimer);
        this.snoozedUntil = until;
        if (until !== undefined) {
            this.snoozeTimer = setTimeout(() => this.snooze(undefined), Math.max(0, until - Date.now()));
        }
        this.render();
    }

    private render(): void {
        const state = this.state;
        const until = this.snoozedUntil === undefined ? undefined : new Date(this.snoozedUntil).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
        const view = statusView(state, state === 'snoozed' ? until : this.message);
        this.item.text = view.text;
        this.item.tooltip = view.tooltip;
        this.item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
        const message = state === 'snoozed' ? until : this.message;
        this.item.accessibilityInformation = { label: `DeepSeek: ${state}${message ? `: ${message}` : ''}` };
    }

    dispose(): void {
        clearTimeout(this.snoozeTimer);
        this.item.dispose();
    }
}
