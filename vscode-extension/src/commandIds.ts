/** Ids of the commands contributed in package.json (pure, so tests can check the manifest). */

export const COMMANDS = {
    generate: 'ds-lsp.generate',
    toggle: 'ds-lsp.toggle',
    setApiKey: 'ds-lsp.setApiKey',
    clearApiKey: 'ds-lsp.clearApiKey',
    showOutput: 'ds-lsp.showOutput',
    restart: 'ds-lsp.restart',
} as const;

/** Registered but not in the palette: opens this extension's README. */
export const OPEN_DOCS_COMMAND = 'ds-lsp.openDocs';
