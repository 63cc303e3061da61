/** Ids of the commands contributed in package.json (pure, so tests can check the manifest). */

export const COMMANDS = {
    generate: 'ds-lsp.generate',
    toggle: 'ds-lsp.toggle',
    setApiKey: 'ds-lsp.setApiKey',
    clearApiKey: 'ds-lsp.clearApiKey',
    showOutput: 'ds-lsp.showOutput',
    restart: 'ds-lsp.restart',
    menu: 'ds-lsp.menu',
    snooze: 'ds-lsp.snoozeCompletions',
    resume: 'ds-lsp.resumeCompletions',
    usage: 'ds-lsp.usage',
} as const;

/** Commands of the server itself (its executeCommandProvider), sent as workspace/executeCommand. */
export const SERVER_COMMANDS = {
    snooze: 'ds-lsp.snooze', // {"minutes": N}; 0 resumes
    showUsage: 'ds-lsp.showUsage',
} as const;

/** Registered but not in the palette: opens this extension's README. */
export const OPEN_DOCS_COMMAND = 'ds-lsp.openDocs';
