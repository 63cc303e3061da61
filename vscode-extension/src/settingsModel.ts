/**
 * The settings the extension hands to ds-lsp (pure: no `vscode` import, unit-tested).
 *
 * The server's own defaults are the single source of truth: scripts/sync_settings.py writes
 * package.json's settings and serverSettings.generated.ts from ds_lsp/config/ (a test checks
 * they agree). Keys (`apiKey`, `*ApiKey`) are never settings: they live in SecretStorage.
 *
 * Trust: where requests go (`backend`, `baseUrl`, every `*BaseUrl`: USER_ONLY_KEYS) is read
 * from the user's settings only and sent only as `initializationOptions`, the layer the server
 * trusts; a change restarts the server. `exclude` (ADDITIVE_KEYS) is the user's list plus what
 * the workspace adds: a workspace cannot remove a pattern. VS Code itself drops workspace values
 * of the untrusted-workspace `restrictedConfigurations` before the extension sees them.
 */

import { ADDITIVE_KEYS, ENV_KEYS, EXTENSION_SET, SECRET_ENV, SERVER_KEYS, USER_ONLY_KEYS } from './serverSettings.generated';

export const SECTION = 'ds-lsp';

export { ADDITIVE_KEYS, ENV_KEYS, EXTENSION_SET, SECRET_ENV, SERVER_KEYS, USER_ONLY_KEYS } from './serverSettings.generated';

export type ServerKey = (typeof SERVER_KEYS)[number];

/** Settings of the extension itself, never sent to the server. */
export const CLIENT_KEYS = ['serverPath', 'pythonPath', 'serverArgs', 'trace.server'] as const;

/** Changing one of these means starting a different process, or one the server trusts: restart. */
export const RESTART_KEYS: readonly string[] = ['serverPath', 'pythonPath', 'serverArgs', ...USER_ONLY_KEYS];

export const API_KEY_ENV = SECRET_ENV.apiKey;

/** The secret setting that holds the key of a backend (`apiKey` for DeepSeek). */
export function secretKeyForBackend(backend: string): string {
    if (backend === 'deepseek' || !backend) {
        return 'apiKey';
    }
    const camel = backend.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const key = `${camel}ApiKey`;
    return key in SECRET_ENV ? key : 'apiKey';
}

/** One setting as VS Code knows it (`WorkspaceConfiguration.get` and `.inspect`). */
export interface SettingValue {
    /** The value VS Code resolves for the scope: every layer it lets count. */
    value: unknown;
    defaultValue?: unknown;
    /** The user's own value (user settings; in a remote window, the remote machine's too). */
    userValue?: unknown;
    /** Workspace and folder values that VS Code kept (none for `application` settings, and none
     * for restricted ones in an untrusted workspace). */
    workspaceValues: unknown[];
}

export type SettingLookup = (key: ServerKey) => SettingValue;

export type ServerSettings = Partial<Record<ServerKey, unknown>> & Record<string, unknown>;

/**
 * Where the settings go: `initialization` (initializationOptions, trusted by the server: every
 * key) or `workspace` (the `workspace/configuration` answer and `didChangeConfiguration`
 * pushes, which the server trusts less: no USER_ONLY_KEYS).
 */
export type SettingsLayer = 'initialization' | 'workspace';

const isUserOnly = (key: string): boolean => (USER_ONLY_KEYS as readonly string[]).includes(key);
const isAdditive = (key: string): boolean => (ADDITIVE_KEYS as readonly string[]).includes(key);

function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The user's list (else the default) plus every workspace addition, without repeats. */
export function additiveValue(setting: SettingValue): string[] {
    const base = strings(setting.userValue !== undefined ? setting.userValue : setting.defaultValue);
    return [...new Set([...base, ...setting.workspaceValues.flatMap(strings)])];
}

function oneSetting(key: ServerKey, setting: SettingValue, fromEnv: string | undefined): unknown {
    if (isUserOnly(key)) {
        return setting.userValue !== undefined ? setting.userValue : (fromEnv ?? setting.defaultValue);
    }
    if (isAdditive(key)) {
        return additiveValue(setting);
    }
    const explicit = setting.userValue !== undefined || setting.workspaceValues.length > 0;
    return !explicit && fromEnv ? fromEnv : setting.value;
}

/** The object sent as `initializationOptions` or as the `ds-lsp` configuration section. */
export function serverSettings(
    lookup: SettingLookup,
    env: Readonly<Record<string, string | undefined>>,
    layer: SettingsLayer,
): ServerSettings {
    const result: ServerSettings = {};
    for (const key of SERVER_KEYS) {
        if (layer === 'workspace' && isUserOnly(key)) {
            continue;
        }
        const envName = ENV_KEYS[key];
        const value = oneSetting(key, lookup(key), envName ? env[envName] || undefined : undefined);
        if (value !== undefined) {
            result[key] = value;
        }
    }
    return { ...result, ...EXTENSION_SET };
}

/** Whether a changed-configuration test (`affectsConfiguration`) concerns the given keys. */
export function affectsAny(affects: (section: string) => boolean, keys: readonly string[]): boolean {
    return keys.some((key) => affects(`${SECTION}.${key}`));
}

/** The environment for the server process: the inherited one, the stored keys, and `extra`. */
export function serverEnvironment(
    base: Readonly<Record<string, string | undefined>>,
    secrets: Readonly<Record<string, string | undefined>>,
    extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(base)) {
        if (value !== undefined) {
            env[name] = value;
        }
    }
    for (const [key, value] of Object.entries(secrets)) {
        const name = SECRET_ENV[key];
        if (name && value) {
            env[name] = value;
        }
    }
    return { ...env, ...extra };
}
