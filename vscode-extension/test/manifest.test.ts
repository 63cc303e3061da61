// package.json against the code: settings, commands, layout.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../src/commandIds';
import { CLIENT_KEYS, EXTENSION_SET, SERVER_KEYS, USER_ONLY_KEYS } from '../src/settingsModel';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
interface Section {
    title: string;
    properties: Record<string, { default?: unknown; scope?: string; description?: string; markdownDescription?: string }>;
}
const sections: Section[] = pkg.contributes.configuration;
const properties = Object.assign({}, ...sections.map((s) => s.properties));

describe('package.json settings', () => {
    it('contributes every server key and every client key, nothing else', () => {
        const expected = [...SERVER_KEYS, ...CLIENT_KEYS].map((k) => `ds-lsp.${k}`).sort();
        assert.deepEqual(Object.keys(properties).sort(), expected);
    });

    it('never contributes the API key', () => {
        assert.ok(!Object.keys(properties).some((k) => /apikey/i.test(k)));
    });

    it('sections are titled', () => {
        for (const s of sections) {
            assert.match(s.title, /^DeepSeek: /);
        }
    });

    for (const [key, prop] of Object.entries(properties) as [string, Section['properties'][string]][]) {
        it(`${key} has a description, a default and a scope`, () => {
            assert.ok((prop.markdownDescription ?? prop.description ?? '').length > 10);
            assert.ok('default' in prop);
            assert.ok(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(prop.scope ?? ''));
        });
    }

    it('a workspace cannot redirect the key or the executable', () => {
        for (const key of ['backend', 'baseUrl', ...USER_ONLY_KEYS]) {
            assert.equal(properties[`ds-lsp.${key}`].scope, 'application', key);
        }
        for (const key of ['serverPath', 'pythonPath', 'serverArgs']) {
            assert.equal(properties[`ds-lsp.${key}`].scope, 'machine', key);
        }
    });

    it('an untrusted workspace cannot set where requests go or what runs', () => {
        const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
        assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
        for (const key of ['serverPath', 'pythonPath', 'serverArgs', 'backend', 'baseUrl', ...USER_ONLY_KEYS]) {
            assert.ok(restricted.includes(`ds-lsp.${key}`), key);
        }
        // exclude only ever adds protection: a workspace's patterns count even when untrusted.
        assert.ok(!restricted.includes('ds-lsp.exclude'));
    });

    it('settings the extension sets itself are not user settings', () => {
        for (const key of Object.keys(EXTENSION_SET)) {
            assert.ok(!(`ds-lsp.${key}` in properties), key);
        }
    });
});

describe('package.json commands', () => {
    it('contributes exactly the registered commands, in the DeepSeek category', () => {
        const contributed = pkg.contributes.commands as { command: string; category: string; title: string }[];
        assert.deepEqual(contributed.map((c) => c.command).sort(), Object.values(COMMANDS).sort());
        for (const c of contributed) {
            assert.equal(c.category, 'DeepSeek');
        }
    });

    it('does not contribute the server command id (vscode-languageclient registers it)', () => {
        const ids = (pkg.contributes.commands as { command: string }[]).map((c) => c.command);
        assert.ok(!ids.includes('ds-lsp.generateCodeBlock'));
    });
});

describe('package', () => {
    it('npm run package bundles the server first, and the .vsix keeps bundled/libs', () => {
        assert.match(pkg.scripts.prepackage, /bundle:python/);
        assert.match(pkg.scripts['bundle:python'], /bundle_python\.py/);
        const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
        assert.ok(ignore.includes('!bundled/libs/**'));
    });

    it('lint and typecheck are npm scripts', () => {
        assert.match(pkg.scripts.lint, /^eslint/);
        assert.match(pkg.scripts.typecheck, /tsc .*--noEmit/);
    });
});

describe('layout', () => {
    it('extension.ts only activates and deactivates', () => {
        const source = fs.readFileSync(path.join(root, 'src', 'extension.ts'), 'utf8');
        const exported = [...source.matchAll(/^export\s+(?:async\s+)?function\s+(\w+)/gm)].map((m) => m[1]);
        assert.deepEqual(exported.sort(), ['activate', 'deactivate']);
        assert.ok(source.split('\n').length < 60);
    });

    it('the client library supports inline completion out of the box (>= 10.1)', () => {
        const version: string = pkg.dependencies['vscode-languageclient'].replace(/^[^\d]*/, '');
        const [major, minor] = version.split('.').map(Number);
        assert.ok(major > 10 || (major === 10 && minor >= 1), version);
    });
});

describe('README', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    it('documents every setting and command', () => {
        for (const key of Object.keys(properties)) {
            assert.ok(readme.includes(`\`${key.slice('ds-lsp.'.length)}\``), key);
        }
        for (const c of pkg.contributes.commands as { title: string }[]) {
            assert.ok(readme.includes(c.title), c.title);
        }
    });
});

describe('what the README promises', () => {
    it('Alt+\\ asks for a suggestion now (VS Code binds no key to it)', () => {
        const bindings = pkg.contributes.keybindings as { command: string; key: string }[];
        const ask = bindings.find((b) => b.command === 'editor.action.inlineSuggest.trigger');
        assert.equal(ask?.key, 'alt+\\');
    });

    it('the extension has an icon in the package', () => {
        assert.equal(pkg.icon, 'images/icon.png');
        const png = fs.readFileSync(path.join(root, pkg.icon));
        assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
        assert.equal(png.readUInt32BE(16), 128); // width
        assert.ok(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').includes('!images/**'));
    });

    it('the status item opens the menu', () => {
        const source = fs.readFileSync(path.join(root, 'src', 'extension.ts'), 'utf8');
        assert.match(source, /new StatusBar\(COMMANDS\.menu\)/);
    });
});
