/**
 * The status item's menu (pure, unit-tested): what a click on the DeepSeek status item offers
 * in each state. The error state leads with what fixes it, never with "turn off".
 */

import { StatusState } from './statusModel';

export type MenuAction =
    | 'setApiKey'
    | 'showOutput'
    | 'openSettings'
    | 'snooze5'
    | 'snooze15'
    | 'snooze60'
    | 'resume'
    | 'turnOff'
    | 'turnOn'
    | 'showUsage';

export interface MenuEntry {
    action: MenuAction;
    label: string;
    description?: string;
}

/** Minutes of each snooze entry; `resume` sends 0 (the server's `ds-lsp.snooze` command). */
export const SNOOZE_MINUTES: Partial<Record<MenuAction, number>> = { snooze5: 5, snooze15: 15, snooze60: 60, resume: 0 };

const ENTRIES: Record<MenuAction, MenuEntry> = {
    setApiKey: { action: 'setApiKey', label: '$(key) Set API Key', description: 'stored in VS Code secret storage' },
    showOutput: { action: 'showOutput', label: '$(output) Show Output', description: "the server's log" },
    openSettings: { action: 'openSettings', label: '$(settings-gear) Open Settings' },
    snooze5: { action: 'snooze5', label: '$(clock) Snooze for 5 minutes' },
    snooze15: { action: 'snooze15', label: '$(clock) Snooze for 15 minutes' },
    snooze60: { action: 'snooze60', label: '$(clock) Snooze for 60 minutes' },
    resume: { action: 'resume', label: '$(play) Resume completions' },
    turnOff: { action: 'turnOff', label: '$(circle-slash) Turn completions off', description: 'ds-lsp.enable' },
    turnOn: { action: 'turnOn', label: '$(check) Turn completions on', description: 'ds-lsp.enable' },
    showUsage: { action: 'showUsage', label: '$(graph) Show usage', description: 'tokens and estimated cost' },
};

/** Whether an error reason is about the key (the first thing to offer is then the key). */
export function isKeyProblem(message: string | undefined): boolean {
    return /key|auth|401/i.test(message ?? '');
}

/** The menu for the item's state (`message`: the server's short error reason). */
export function menuEntries(state: StatusState, message?: string): MenuEntry[] {
    const actions: MenuAction[] = [];
    if (state === 'error') {
        actions.push(...(isKeyProblem(message) ? (['setApiKey', 'showOutput'] as const) : (['showOutput', 'openSettings'] as const)));
    }
    if (state === 'snoozed') {
        actions.push('resume');
    } else if (state === 'disabled') {
        actions.push('turnOn');
    } else {
        actions.push('snooze5', 'snooze15', 'snooze60');
    }
    actions.push('showUsage', 'showOutput', 'setApiKey', 'openSettings');
    if (state !== 'disabled') {
        actions.push('turnOff');
    }
    return [...new Set(actions)].map((action) => ENTRIES[action]);
}
