/**
 * What the status bar shows for each server state (pure, unit-tested).
 *
 * The server reports `ds-lsp/status` `{state, message?}`; the client adds `starting` and
 * `stopped` (no server process).
 */

export const SERVER_STATES = ['idle', 'fetching', 'error', 'disabled'] as const;
export type ServerState = (typeof SERVER_STATES)[number];
export type StatusState = ServerState | 'starting' | 'stopped' | 'snoozed';

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

/** What to do about the server's short error reason (`ds-lsp/status` message), in words. */
export function errorAdvice(message: string | undefined): string {
    const reason = (message ?? '').toLowerCase();
    if (/no api key/.test(reason)) {
        return 'No API key: click, then "Set API Key".';
    }
    if (/auth|401|key/.test(reason)) {
        return 'The API key was refused: click, then "Set API Key".';
    }
    if (/network/.test(reason)) {
        return 'The API cannot be reached: check ds-lsp.baseUrl, your network or proxy (click for the output).';
    }
    if (/timeout/.test(reason)) {
        return 'DeepSeek did not answer in time: it may be busy; raise ds-lsp.timeoutMs if it stays slow.';
    }
    if (/balance|402/.test(reason)) {
        return 'The account balance is insufficient: top up at platform.deepseek.com/top_up.';
    }
    if (/model/.test(reason)) {
        return 'The model was refused: set ds-lsp.model to one the server lists (see the output).';
    }
    if (/rate_limit|server|resource|429|5\d\d/.test(reason)) {
        return 'DeepSeek is busy or overloaded: completions resume by themselves.';
    }
    return `${message ?? 'error'}: click for the output and settings.`;
}

export function statusView(state: StatusState, message?: string): StatusView {
    const detail = message ? `\n\n${message}` : '';
    switch (state) {
        case 'idle':
            return { text: `$(sparkle) ${NAME}`, tooltip: `DeepSeek completions on: click to snooze, turn off, see usage…${detail}` };
        case 'fetching':
            return { text: `$(loading~spin) ${NAME}`, tooltip: `Asking DeepSeek…${detail}` };
        case 'error':
            return {
                text: `$(error) ${NAME}`,
                tooltip: `DeepSeek: ${errorAdvice(message)}${message ? `\n\n(ds-lsp: ${message})` : ''}`,
                background: 'statusBarItem.errorBackground',
            };
        case 'disabled':
            return { text: `$(circle-slash) ${NAME}`, tooltip: `DeepSeek completions off: click to turn them on${detail}` };
        case 'snoozed':
            return { text: `$(clock) ${NAME}`, tooltip: `DeepSeek completions snoozed${message ? ` until ${message}` : ''}: click to resume` };
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
