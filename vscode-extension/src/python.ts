/**
 * The Python side of starting the server: which interpreters to try and what each one is.
 *
 * The Python extension (`ms-python.python`) is optional: when it is installed, the interpreter
 * selected there ("Python: Select Interpreter") is tried right after `ds-lsp.pythonPath`.
 */

import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { PROBE_SCRIPT, PythonProbe, parseProbe } from './serverCommand';

const PYTHON_EXTENSION = 'ms-python.python';

/** The part of the Python extension's API that is used here (ms-python.python >= 2023.6). */
interface PythonEnvironments {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(env: { path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
}

function environmentsOf(api: unknown): PythonEnvironments | undefined {
    const environments = (api as { environments?: Partial<PythonEnvironments> } | undefined)?.environments;
    return typeof environments?.getActiveEnvironmentPath === 'function' &&
        typeof environments.resolveEnvironment === 'function'
        ? (environments as PythonEnvironments)
        : undefined;
}

async function pythonEnvironments(): Promise<PythonEnvironments | undefined> {
    const extension = vscode.extensions.getExtension(PYTHON_EXTENSION);
    if (!extension) {
        return undefined;
    }
    try {
        return environmentsOf(extension.isActive ? extension.exports : await extension.activate());
    } catch {
        return undefined;
    }
}

/** The interpreter selected in the Python extension, if it is installed and has one. */
export async function selectedInterpreter(): Promise<string | undefined> {
    const environments = await pythonEnvironments();
    if (!environments) {
        return undefined;
    }
    try {
        const active = environments.getActiveEnvironmentPath(vscode.workspace.workspaceFolders?.[0]?.uri);
        const resolved = await environments.resolveEnvironment(active);
        return resolved?.executable.uri?.fsPath ?? active.path;
    } catch {
        return undefined;
    }
}

/** Calls `listener` when the interpreter selected in the Python extension changes. */
export async function onDidChangeSelectedInterpreter(listener: () => void): Promise<vscode.Disposable | undefined> {
    const environments = await pythonEnvironments();
    return environments?.onDidChangeActiveEnvironmentPath?.(() => listener());
}

/** What `python` says about itself; undefined when it does not run or is not Python 3. */
export function probePython(python: string, pythonPath?: string): Promise<PythonProbe | undefined> {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: pythonPath ?? process.env.PYTHONPATH ?? '' };
    if (!env.PYTHONPATH) {
        delete env.PYTHONPATH;
    }
    return new Promise((resolve) => {
        execFile(python, ['-c', PROBE_SCRIPT], { timeout: 20_000, cwd: os.homedir(), env }, (error, stdout) => {
            resolve(error ? undefined : parseProbe(stdout));
        });
    });
}
