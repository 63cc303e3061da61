/**
 * What the status bar shows for each server state (pure, unit-tested).
 *
 * The server reports `ds-lsp/status` `{state, message?}`; the client adds `starting` and
 * `stopped` (no server process).
 */

export const SERVER_STATES = ['idle', 'fetching', 'error', 'disabled'] as const;
export type ServerState = (typeof SERVER_STATES)[number];
export type StatusState = ServerState | 'starting' | 'stopped';

export interface StatusParams {
    state: ServerState;
    message?: string;
}

export interface StatusView {
    text: string;
    tooltip: string;
    /** A ThemeColor id for the item's background, when the state needs attention. */
    background?: string;
}

const NAME = 'DeepSeek';

export function isStatusParams(value: unknown): value is StatusParams {
    if (typeof value !== 'object' || value === null) {
        return false;
    }
    const { state, message } = value as Record<string, unknown>;
    return (
        (SERVER_STATES as readonly string[]).includes(state as string) &&
        (message === undefined || message === null || typeof message === 'string')
    );
}

export function statusView(state: StatusState, message?: string): StatusView {
    const detail = message ? `\n\n${message}` : '';
    switch (state) {
        case 'idle':
            return { text: `$(sparkle) ${NAME}`, tooltip: `DeepSeek completions on: click to turn off${detail}` };
        case 'fetching':
            return { text: `$(loading~spin) ${NAME}`, tooltip: `Asking DeepSeek…${detail}` };
        case 'error':
            return {
                text: `$(error) ${NAME}`,
                tooltip: `DeepSeek: ${message ?? 'error'}\n\nClick to toggle completions; see "DeepSeek: Show Output"`,
                background: 'statusBarItem.errorBackground',
            };
        case 'disabled':
            return { text: `$(circle-slash) ${NAME}`, tooltip: `DeepSeek completions off: click to turn on${detail}` };
        case 'starting':
            return { text: `$(sync~spin) ${NAME}`, tooltip: `Starting ds-lsp…${detail}` };
        case 'stopped':
            return {
                text: `$(debug-disconnect) ${NAME}`,
                tooltip: `ds-lsp is not running${detail}`,
                background: 'statusBarItem.warningBackground',
            };
    }
}
