import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResolveOptions, interpreterCandidates, pathCandidates, resolveServerCommand } from '../src/serverCommand';

const base: ResolveOptions = {
    serverPath: '',
    pythonPath: '',
    defaultInterpreter: '',
    serverArgs: [],
    env: { PATH: '/usr/local/bin:/usr/bin' },
    platform: 'linux',
    home: '/home/me',
};

function deps(executables: string[], pythons: string[]) {
    const calls: string[] = [];
    return {
        calls,
        isExecutable: async (f: string) => {
            calls.push(`x:${f}`);
            return executables.includes(f);
        },
        canImportServer: async (p: string) => {
            calls.push(`py:${p}`);
            return pythons.includes(p) ? `/real/${p.replace(/^.*\//, '')}` : undefined;
        },
    };
}

describe('resolveServerCommand', () => {
    it('uses ds-lsp.serverPath first, with ~ expanded and extra args', async () => {
        const cmd = await resolveServerCommand(
            { ...base, serverPath: '~/venv/bin/ds-lsp', serverArgs: ['--log-level', 'DEBUG'] },
            deps(['/usr/bin/ds-lsp'], ['python3']),
        );
        assert.deepEqual(cmd, { command: '/home/me/venv/bin/ds-lsp', args: ['--log-level', 'DEBUG'], source: 'serverPath' });
    });

    it('else ds-lsp on PATH, in PATH order', async () => {
        const cmd = await resolveServerCommand(base, deps(['/usr/bin/ds-lsp'], ['python3']));
        assert.deepEqual(cmd, { command: '/usr/bin/ds-lsp', args: [], source: 'PATH' });
    });

    it('else python -m ds_lsp with the configured interpreter', async () => {
        const d = deps([], ['/opt/py/bin/python', 'python3']);
        const cmd = await resolveServerCommand({ ...base, pythonPath: '/opt/py/bin/python' }, d);
        assert.deepEqual(cmd, { command: '/real/python', args: ['-m', 'ds_lsp'], source: 'python' });
    });

    it('skips interpreters that cannot import ds_lsp', async () => {
        const d = deps([], ['python3']);
        const cmd = await resolveServerCommand({ ...base, defaultInterpreter: 'python' }, d);
        assert.deepEqual(cmd, { command: '/real/python3', args: ['-m', 'ds_lsp'], source: 'python' });
        assert.deepEqual(d.calls.filter((c) => c.startsWith('py:')), ['py:python', 'py:python3']);
    });

    it('gives undefined when nothing works', async () => {
        assert.equal(await resolveServerCommand(base, deps([], [])), undefined);
    });
});

describe('pathCandidates', () => {
    it('posix', () => {
        assert.deepEqual(pathCandidates('ds-lsp', { PATH: '/a::/b' }, 'linux'), ['/a/ds-lsp', '/b/ds-lsp']);
    });

    it('windows with PATHEXT', () => {
        assert.deepEqual(pathCandidates('ds-lsp', { Path: 'C:\\py\\Scripts', PATHEXT: '.EXE;.CMD' }, 'win32'), [
            'C:\\py\\Scripts\\ds-lsp.exe',
            'C:\\py\\Scripts\\ds-lsp.cmd',
        ]);
    });
});

describe('interpreterCandidates', () => {
    it('dedupes and drops unresolved ${...} variables', () => {
        assert.deepEqual(
            interpreterCandidates({ ...base, pythonPath: 'python3', defaultInterpreter: '${workspaceFolder}/.venv/bin/python' }),
            ['python3', 'python'],
        );
    });
});
