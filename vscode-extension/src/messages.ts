/** Which server messages deserve an action button (pure, unit-tested). */

/** A `window/showMessage` about a missing or rejected API key (the server's 401 message). */
export function isApiKeyMessage(type: number, message: string): boolean {
    const ERROR = 1;
    const WARNING = 2;
    return (type === ERROR || type === WARNING) && /api[\s_-]?key/i.test(message);
}
