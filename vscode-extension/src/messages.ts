/** Which server messages deserve action buttons, and which (pure, unit-tested). */

export const ACTIONS = {
    setApiKey: 'Set API Key',
    showOutput: 'Show Output',
    openSettings: 'Open Settings',
} as const;

export type MessageAction = (typeof ACTIONS)[keyof typeof ACTIONS];

const ERROR = 1;
const WARNING = 2;

/** A `window/showMessage` about a missing or rejected API key (the server's 401 message). */
export function isApiKeyMessage(type: number, message: string): boolean {
    return (type === ERROR || type === WARNING) && /api[\s_-]?key/i.test(message);
}

/** The server's warning that it cannot reach the API (ds_lsp MESSAGES["network"]). */
export function isNetworkMessage(type: number, message: string): boolean {
    return (type === ERROR || type === WARNING) && message.startsWith('ds-lsp cannot reach');
}

/** The buttons to show with a server message; none for the others. */
export function messageActions(type: number, message: string): MessageAction[] {
    if (isApiKeyMessage(type, message)) {
        return [ACTIONS.setApiKey];
    }
    if (isNetworkMessage(type, message)) {
        return [ACTIONS.showOutput, ACTIONS.openSettings];
    }
    return [];
}
