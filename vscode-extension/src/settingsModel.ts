/**
 * The settings the extension hands to ds-lsp (pure: no `vscode` import, unit-tested).
 *
 * The server's own defaults are the single source of truth: scripts/sync_settings.py writes
 * package.json's settings and serverSettings.generated.ts from ds_lsp/config.py (a test checks
 * they agree). Keys (`apiKey`, `*ApiKey`) are never settings: they live in SecretStorage.
 */

import { ENV_KEYS, SECRET_ENV, SERVER_KEYS } from './serverSettings.generated';

export const SECTION = 'ds-lsp';

export { ENV_KEYS, SECRET_ENV, SERVER_KEYS } from './serverSettings.generated';

export type ServerKey = (typeof SERVER_KEYS)[number];

/** Settings of the extension itself, never sent to the server. */
export const CLIENT_KEYS = ['serverPath', 'pythonPath', 'serverArgs', 'trace.server'] as const;

/** Changing one of these means starting a different process: restart the server. */
export const RESTART_KEYS = ['serverPath', 'pythonPath', 'serverArgs'] as const;

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

/** One setting as VS Code knows it: its effective value and whether the user set it. */
export interface SettingValue {
    value: unknown;
    explicit: boolean;
}

export type SettingLookup = (key: ServerKey) => SettingValue;

export type ServerSettings = Partial<Record<ServerKey, unknown>>;

/** The object sent as `initializationOptions` and as the `ds-lsp` configuration section. */
export function serverSettings(
    lookup: SettingLookup,
    env: Readonly<Record<string, string | undefined>>,
): ServerSettings {
    const result: ServerSettings = {};
    for (const key of SERVER_KEYS) {
        const { value, explicit } = lookup(key);
        const envName = ENV_KEYS[key];
        const fromEnv = envName ? env[envName] : undefined;
        if (!explicit && fromEnv) {
            result[key] = fromEnv;
        } else if (value !== undefined) {
            result[key] = value;
        }
    }
    return result;
}

/** Whether a changed-configuration test (`affectsConfiguration`) concerns the given keys. */
export function affectsAny(affects: (section: string) => boolean, keys: readonly string[]): boolean {
    return keys.some((key) => affects(`${SECTION}.${key}`));
}

/** The environment for the server process: the inherited one plus the stored keys. */
export function serverEnvironment(
    base: Readonly<Record<string, string | undefined>>,
    secrets: Readonly<Record<string, string | undefined>>,
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
    return env;
}
