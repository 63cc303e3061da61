import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    PythonProbe,
    ResolveOptions,
    interpreterCandidates,
    isSupportedPython,
    notFoundMessage,
    parseProbe,
    pathCandidates,
    resolveServerCommand,
} from '../src/serverCommand';

const LIBS = '/ext/bundled/libs';

const base: ResolveOptions = {
    serverPath: '',
    interpreters: [],
    serverArgs: [],
    bundledLibs: undefined,
    env: { PATH: '/usr/local/bin:/usr/bin' },
    platform: 'linux',
    home: '/home/me',
};

interface FakePython {
    version: [number, number, number];
    /** Can it import ds_lsp without the bundle (installed with pip)? */
    installed?: boolean;
}

/** Fake executables on disk and interpreters: name -> what it says about itself. */
function deps(executables: string[], pythons: Record<string, FakePython>) {
    const calls: string[] = [];
    return {
        calls,
        isExecutable: async (f: string) => {
            calls.push(`x:${f}`);
            return executables.includes(f);
        },
        probe: async (python: string, pythonPath?: string): Promise<PythonProbe | undefined> => {
            calls.push(`py:${python}${pythonPath ? `:${pythonPath}` : ''}`);
            const fake = pythons[python];
            if (!fake) {
                return undefined;
            }
            const executable = `/real/${python.replace(/^.*\//, '')}`;
            const canImport = pythonPath === LIBS ? fake.version[1] >= 8 : fake.installed;
            return canImport
                ? { executable, version: fake.version, server: `${pythonPath ?? '/site'}/ds_lsp/__init__.py`, serverVersion: '0.1.0' }
                : { executable, version: fake.version };
        },
    };
}

const py311: FakePython = { version: [3, 11, 7] };
const py39: FakePython = { version: [3, 9, 2] };

describe('resolveServerCommand', () => {
    it('uses ds-lsp.serverPath first, with ~ expanded and extra args', async () => {
        const found = await resolveServerCommand(
            { ...base, serverPath: '~/venv/bin/ds-lsp', serverArgs: ['--log-level', 'DEBUG'], bundledLibs: LIBS },
            deps(['/usr/bin/ds-lsp'], { python3: py311 }),
        );
        assert.deepEqual(found, {
            command: { command: '/home/me/venv/bin/ds-lsp', args: ['--log-level', 'DEBUG'], env: {}, source: 'serverPath' },
        });
    });

    it('else the bundled server with PYTHONPATH=bundled/libs, before ds-lsp on PATH', async () => {
        const found = await resolveServerCommand(
            { ...base, bundledLibs: LIBS, serverArgs: ['--log-level', 'DEBUG'] },
            deps(['/usr/bin/ds-lsp'], { python3: py311 }),
        );
        assert.ok('command' in found);
        assert.equal(found.command.command, '/real/python3');
        assert.deepEqual(found.command.args, ['-m', 'ds_lsp', '--log-level', 'DEBUG']);
        assert.deepEqual(found.command.env, { PYTHONPATH: LIBS });
        assert.equal(found.command.source, 'bundled');
        assert.match(found.command.detail ?? '', /Python 3\.11\.7 at \/real\/python3, ds_lsp 0\.1\.0 from \/ext\/bundled\/libs/);
    });

    it('runs the bundle with the first interpreter that is Python >= 3.11, in order', async () => {
        const d = deps([], { '/opt/old/bin/python': py39, '/venv/bin/python': py311, python3: py311 });
        const found = await resolveServerCommand(
            { ...base, bundledLibs: LIBS, interpreters: ['/opt/old/bin/python', '/venv/bin/python'] },
            d,
        );
        assert.ok('command' in found);
        assert.equal(found.command.command, '/real/python');
        assert.deepEqual(
            d.calls.filter((c) => c.startsWith('py:')),
            [`py:/opt/old/bin/python:${LIBS}`, `py:/venv/bin/python:${LIBS}`],
        );
    });

    it('else ds-lsp on PATH, in PATH order', async () => {
        const found = await resolveServerCommand(base, deps(['/usr/bin/ds-lsp', '/usr/local/bin/x'], { python3: py311 }));
        assert.deepEqual(found, { command: { command: '/usr/bin/ds-lsp', args: [], env: {}, source: 'PATH' } });
    });

    it('falls back to ds-lsp on PATH when the bundle has no Python >= 3.11 to run it', async () => {
        const found = await resolveServerCommand({ ...base, bundledLibs: LIBS }, deps(['/usr/bin/ds-lsp'], { python3: py39 }));
        assert.ok('command' in found);
        assert.equal(found.command.source, 'PATH');
    });

    it('else python -m ds_lsp with an interpreter that has it installed', async () => {
        const d = deps([], { '/opt/py/bin/python': { version: [3, 12, 1], installed: true }, python3: py311 });
        const found = await resolveServerCommand({ ...base, interpreters: ['/opt/py/bin/python'] }, d);
        assert.ok('command' in found);
        assert.deepEqual(
            { ...found.command, detail: undefined },
            { command: '/real/python', args: ['-m', 'ds_lsp'], env: {}, source: 'python', detail: undefined },
        );
    });

    it('never runs an installed ds_lsp with a Python older than 3.11', async () => {
        const found = await resolveServerCommand(base, deps([], { python3: { version: [3, 10, 0], installed: true } }));
        assert.ok('notFound' in found);
    });

    it('says it needs Python 3.11 when the bundle is there but only an old Python is', async () => {
        const found = await resolveServerCommand({ ...base, bundledLibs: LIBS }, deps([], { python3: py39 }));
        assert.deepEqual(found, {
            notFound: { needsPython: true, pythons: [{ python: 'python3', executable: '/real/python3', version: '3.9.2' }] },
        });
        assert.ok('notFound' in found);
        const message = notFoundMessage(found.notFound);
        assert.match(message, /needs Python 3\.11 or newer, but found only Python 3\.9\.2 \(\/real\/python3\)/);
        assert.match(message, /Python: Select Interpreter/);
        assert.match(message, /ds-lsp\.pythonPath/);
    });

    it('says so when there is no Python at all', async () => {
        const found = await resolveServerCommand({ ...base, bundledLibs: LIBS }, deps([], {}));
        assert.ok('notFound' in found);
        assert.match(notFoundMessage(found.notFound), /needs Python 3\.11 or newer, but found no Python\./);
    });

    it('without a bundle (a development build) says how to install the server', async () => {
        const found = await resolveServerCommand(base, deps([], {}));
        assert.ok('notFound' in found);
        assert.equal(found.notFound.needsPython, false);
        assert.match(notFoundMessage(found.notFound), /pipx install \.\/ds-lsp/);
    });
});

describe('isSupportedPython', () => {
    for (const [version, expected] of [
        [[3, 11, 0], true],
        [[3, 13, 2], true],
        [[4, 0, 0], true],
        [[3, 10, 14], false],
        [[2, 7, 18], false],
    ] as const) {
        it(version.join('.'), () => assert.equal(isSupportedPython(version), expected));
    }
});

describe('parseProbe', () => {
    it('reads the JSON line', () => {
        const out = 'noise\n{"executable": "/usr/bin/python3", "version": [3, 11, 2], "server": "/x/ds_lsp/__init__.py", "serverVersion": "0.1.0"}\n';
        assert.deepEqual(parseProbe(out), {
            executable: '/usr/bin/python3',
            version: [3, 11, 2],
            server: '/x/ds_lsp/__init__.py',
            serverVersion: '0.1.0',
        });
    });

    it('an interpreter that cannot import ds_lsp has no server', () => {
        const probe = parseProbe('{"executable": "/usr/bin/python3", "version": [3, 9, 2], "error": "ModuleNotFoundError()"}');
        assert.deepEqual(probe, { executable: '/usr/bin/python3', version: [3, 9, 2] });
    });

    for (const out of ['', 'Python 2.7', '{"version": [3]}', '[1]']) {
        it(`rejects ${JSON.stringify(out)}`, () => assert.equal(parseProbe(out), undefined));
    }
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
    it('dedupes, expands ~ and drops empty entries and unresolved ${...} variables', () => {
        assert.deepEqual(interpreterCandidates(['python3', '', '${workspaceFolder}/.venv/bin/python', '~/py/bin/python'], '/home/me'), [
            'python3',
            '/home/me/py/bin/python',
            'python',
        ]);
    });
});
