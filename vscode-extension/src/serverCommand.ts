/**
 * Which ds-lsp process to start (pure: process and file-system checks are injected, unit-tested).
 *
 * Order:
 * 1. the `ds-lsp.serverPath` setting, as is;
 * 2. the server bundled in the extension (`bundled/libs`, filled by `npm run package`), run as
 *    `<python> -m ds_lsp` with `PYTHONPATH=bundled/libs` by the first interpreter that is
 *    Python >= 3.11 (`ds-lsp.pythonPath`, the Python extension's selected interpreter,
 *    `python.defaultInterpreterPath`, `python3`, `python`);
 * 3. `ds-lsp` on PATH;
 * 4. `python -m ds_lsp` with the first of those interpreters that can import ds_lsp itself.
 */

import * as path from 'node:path';

export const MIN_PYTHON: readonly [number, number] = [3, 11];
export const MIN_PYTHON_TEXT = `${MIN_PYTHON[0]}.${MIN_PYTHON[1]}`;
export const INSTALL_COMMAND = 'pipx install ./ds-lsp';

export type ServerSource = 'serverPath' | 'bundled' | 'PATH' | 'python';

export interface ServerCommand {
    command: string;
    args: string[];
    /** Variables to set in the server's environment (PYTHONPATH for the bundled server). */
    env: Record<string, string>;
    /** Where it came from, for the output channel. */
    source: ServerSource;
    /** What the interpreter said, when it was probed: for the output channel. */
    detail?: string;
}

/** What one interpreter said about itself (see PROBE_SCRIPT). */
export interface PythonProbe {
    executable: string;
    version: [number, number, number];
    /** `ds_lsp.__file__` when `import ds_lsp` worked with the probe's PYTHONPATH. */
    server?: string;
    serverVersion?: string;
}

/** Printed as one JSON line by `python -c PROBE_SCRIPT`; Python 2 syntax errors are fine (no JSON). */
export const PROBE_SCRIPT = [
    'import json, sys',
    'out = {"executable": sys.executable, "version": list(sys.version_info[:3])}',
    'try:',
    '    import ds_lsp',
    '    out["server"] = ds_lsp.__file__',
    '    out["serverVersion"] = getattr(ds_lsp, "__version__", None)',
    'except Exception as exc:',
    '    out["error"] = repr(exc)',
    'print(json.dumps(out))',
].join('\n');

export function parseProbe(stdout: string): PythonProbe | undefined {
    const line = stdout.trim().split('\n').pop() ?? '';
    try {
        const data: unknown = JSON.parse(line);
        if (typeof data !== 'object' || data === null) {
            return undefined;
        }
        const { executable, version, server, serverVersion } = data as Record<string, unknown>;
        if (typeof executable !== 'string' || !Array.isArray(version) || !version.every((n) => typeof n === 'number')) {
            return undefined;
        }
        return {
            executable,
            version: [version[0] ?? 0, version[1] ?? 0, version[2] ?? 0],
            ...(typeof server === 'string' ? { server } : {}),
            ...(typeof serverVersion === 'string' ? { serverVersion } : {}),
        };
    } catch {
        return undefined;
    }
}

export function isSupportedPython(version: readonly number[]): boolean {
    const [major = 0, minor = 0] = version;
    return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

export interface ResolveOptions {
    serverPath: string;
    /** Interpreters to try, most specific first (settings, the Python extension's choice). */
    interpreters: readonly string[];
    serverArgs: readonly string[];
    /** `<extension>/bundled/libs` when it holds ds_lsp, else undefined (a development build). */
    bundledLibs: string | undefined;
    env: Readonly<Record<string, string | undefined>>;
    platform: NodeJS.Platform;
    home: string;
}

export interface ResolveDeps {
    /** True when `file` exists and can be executed. */
    isExecutable(file: string): Promise<boolean>;
    /** Run PROBE_SCRIPT with `python` (PYTHONPATH=`pythonPath` when given); undefined when it fails. */
    probe(python: string, pythonPath?: string): Promise<PythonProbe | undefined>;
}

/** Why no server could be started: what was tried, for a message that says what to do. */
export interface NotFound {
    /** True when the extension has a bundled server but no Python >= 3.11 was found to run it. */
    needsPython: boolean;
    /** Each interpreter that answered, with its version. */
    pythons: { python: string; executable: string; version: string }[];
}

export type Resolution = { command: ServerCommand } | { notFound: NotFound };

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

async function findOnPath(name: string, opts: ResolveOptions, deps: ResolveDeps): Promise<string | undefined> {
    for (const candidate of pathCandidates(name, opts.env, opts.platform)) {
        if (await deps.isExecutable(candidate)) {
            return candidate;
        }
    }
    return undefined;
}

/** The interpreters to try, most specific first, then `python3` and `python`, without repeats. */
export function interpreterCandidates(interpreters: readonly string[], home: string): string[] {
    const names = [...interpreters, 'python3', 'python']
        .map((p) => expandHome(p.trim(), home))
        .filter((p) => p !== '' && !p.includes('${'));
    return [...new Set(names)];
}

function versionText(version: readonly number[]): string {
    return version.join('.');
}

function describeProbe(probe: PythonProbe): string {
    const server = probe.server ? `, ds_lsp ${probe.serverVersion ?? '?'} from ${probe.server}` : '';
    return `Python ${versionText(probe.version)} at ${probe.executable}${server}`;
}

/** The command to start, or what was tried when ds-lsp cannot be started. */
export async function resolveServerCommand(opts: ResolveOptions, deps: ResolveDeps): Promise<Resolution> {
    const args = [...opts.serverArgs];
    const configured = expandHome(opts.serverPath.trim(), opts.home);
    if (configured) {
        // A configured path is used as is: a wrong path should say so, not be skipped silently.
        return { command: { command: configured, args, env: {}, source: 'serverPath' } };
    }
    const pythons = interpreterCandidates(opts.interpreters, opts.home);
    const answered: NotFound['pythons'] = [];
    const note = (python: string, probe: PythonProbe | undefined): void => {
        if (probe && !answered.some((a) => a.executable === probe.executable)) {
            answered.push({ python, executable: probe.executable, version: versionText(probe.version) });
        }
    };
    if (opts.bundledLibs) {
        for (const python of pythons) {
            const probe = await deps.probe(python, opts.bundledLibs);
            note(python, probe);
            if (probe && isSupportedPython(probe.version) && probe.server) {
                return {
                    command: {
                        command: probe.executable,
                        args: ['-m', 'ds_lsp', ...args],
                        env: { PYTHONPATH: opts.bundledLibs },
                        source: 'bundled',
                        detail: describeProbe(probe),
                    },
                };
            }
        }
    }
    const onPath = await findOnPath('ds-lsp', opts, deps);
    if (onPath) {
        return { command: { command: onPath, args, env: {}, source: 'PATH' } };
    }
    for (const python of pythons) {
        const probe = await deps.probe(python);
        note(python, probe);
        if (probe && isSupportedPython(probe.version) && probe.server) {
            return {
                command: {
                    command: probe.executable,
                    args: ['-m', 'ds_lsp', ...args],
                    env: {},
                    source: 'python',
                    detail: describeProbe(probe),
                },
            };
        }
    }
    return { notFound: { needsPython: opts.bundledLibs !== undefined, pythons: answered } };
}

/** The one-line explanation shown when no server could be started. */
export function notFoundMessage(notFound: NotFound): string {
    const found = notFound.pythons.length
        ? `found only ${notFound.pythons.map((p) => `Python ${p.version} (${p.executable})`).join(', ')}`
        : 'found no Python';
    if (notFound.needsPython) {
        return (
            `DeepSeek: ds-lsp needs Python ${MIN_PYTHON_TEXT} or newer, but ${found}. Install Python ` +
            `${MIN_PYTHON_TEXT}+ (python.org or your package manager), then select it with "Python: Select ` +
            'Interpreter" or set "ds-lsp.pythonPath" to it.'
        );
    }
    return (
        `DeepSeek: the ds-lsp language server was not found (${found} that can import ds_lsp). Install it ` +
        `next to a ds-lsp checkout with \`${INSTALL_COMMAND}\` (it needs Python ${MIN_PYTHON_TEXT}+ and puts ` +
        '`ds-lsp` on PATH), or set "ds-lsp.serverPath".'
    );
}
