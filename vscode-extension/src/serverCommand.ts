/**
 * Which ds-lsp process to start (pure: file-system checks are injected, unit-tested).
 *
 * Order: the `ds-lsp.serverPath` setting, else `ds-lsp` on PATH, else `python -m ds_lsp`
 * with the configured interpreter (`ds-lsp.pythonPath`, the Python extension's
 * `python.defaultInterpreterPath`, `python3`, `python`) when it can import ds_lsp.
 */

import * as path from 'node:path';

export interface ServerCommand {
    command: string;
    args: string[];
    /** Where it came from, for the output channel. */
    source: 'serverPath' | 'PATH' | 'python';
}

export interface ResolveOptions {
    serverPath: string;
    pythonPath: string;
    defaultInterpreter: string;
    serverArgs: readonly string[];
    env: Readonly<Record<string, string | undefined>>;
    platform: NodeJS.Platform;
    home: string;
}

export interface ResolveDeps {
    /** True when `file` exists and can be executed. */
    isExecutable(file: string): Promise<boolean>;
    /** The interpreter's own path (sys.executable) when it can import ds_lsp, else undefined. */
    canImportServer(python: string): Promise<string | undefined>;
}

export const INSTALL_COMMAND = 'pip install ds-lsp';

export function expandHome(file: string, home: string): string {
    if (file === '~') {
        return home;
    }
    return file.startsWith('~/') ? path.join(home, file.slice(2)) : file;
}

/** Every place `name` could be on PATH, in order (with PATHEXT on Windows). */
export function pathCandidates(
    name: string,
    env: Readonly<Record<string, string | undefined>>,
    platform: NodeJS.Platform,
): string[] {
    const pathVar = env.PATH ?? env.Path ?? '';
    const sep = platform === 'win32' ? ';' : ':';
    const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
    const join = platform === 'win32' ? path.win32.join : path.posix.join;
    const result: string[] = [];
    for (const dir of pathVar.split(sep)) {
        if (dir) {
            for (const ext of exts) {
                result.push(join(dir, name + ext.toLowerCase()));
            }
        }
    }
    return result;
}

async function findOnPath(
    name: string,
    opts: ResolveOptions,
    deps: ResolveDeps,
): Promise<string | undefined> {
    for (const candidate of pathCandidates(name, opts.env, opts.platform)) {
        if (await deps.isExecutable(candidate)) {
            return candidate;
        }
    }
    return undefined;
}

/** The interpreters to try for `python -m ds_lsp`, most specific first, without repeats. */
export function interpreterCandidates(opts: ResolveOptions): string[] {
    const names = [opts.pythonPath, opts.defaultInterpreter, 'python3', 'python']
        .map((p) => expandHome(p.trim(), opts.home))
        .filter((p) => p !== '' && !p.includes('${'));
    return [...new Set(names)];
}

/** The command to start, or undefined when ds-lsp is nowhere to be found. */
export async function resolveServerCommand(
    opts: ResolveOptions,
    deps: ResolveDeps,
): Promise<ServerCommand | undefined> {
    const args = [...opts.serverArgs];
    const configured = expandHome(opts.serverPath.trim(), opts.home);
    if (configured) {
        // A configured path is used as is: a wrong path should say so, not be skipped silently.
        return { command: configured, args, source: 'serverPath' };
    }
    const onPath = await findOnPath('ds-lsp', opts, deps);
    if (onPath) {
        return { command: onPath, args, source: 'PATH' };
    }
    for (const python of interpreterCandidates(opts)) {
        const executable = await deps.canImportServer(python);
        if (executable) {
            return { command: executable, args: ['-m', 'ds_lsp', ...args], source: 'python' };
        }
    }
    return undefined;
}
