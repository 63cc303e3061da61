// Drives the real VS Code workbench (code-server) in headless Chromium with puppeteer-core.
// Started by tests/vscode/test_vscode.py, which starts code-server, the mock DeepSeek server
// and checks what crossed the socket; this script does what a user does and writes what it
// saw to $RESULT_FILE (JSON) and screenshots to $OUT_DIR.
//
// env: CS_URL, WORKSPACE, SETTINGS_FILE, OUT_DIR, RESULT_FILE, PUPPETEER_DIR, CHROMIUM,
//      FIM_TEXT (what the mock completes), CHAT_CODE (first line of generated code),
//      MOCK_URL (the mock's base URL), MOCK_LOG (its requests, one JSON line each),
//      SLOW_URL (a mock that answers after a delay), DEAD_URL (a base URL where nothing listens).
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';

const env = process.env;
const require = createRequire(path.join(env.PUPPETEER_DIR, 'package.json'));
const puppeteer = require('puppeteer-core');

const result = { steps: [] };
const DEFAULT_TIMEOUT_MS = 5000;
const log = (msg) => process.stderr.write(`[driver ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const save = () => fs.writeFileSync(env.RESULT_FILE, JSON.stringify(result, null, 2));

async function step(name, fn) {
    log(`step ${name}`);
    const started = Date.now();
    try {
        const value = await fn();
        result.steps.push({ name, ok: true, ms: Date.now() - started, value });
        save();
        return value;
    } catch (error) {
        result.steps.push({ name, ok: false, ms: Date.now() - started, error: String(error && error.stack || error) });
        save();
        throw error;
    }
}

const browser = await puppeteer.launch({
    executablePath: env.CHROMIUM,
    headless: 'shell',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1400,900'],
    defaultViewport: { width: 1400, height: 900 },
    protocolTimeout: 60_000,
});
const page = await browser.newPage();
page.setDefaultTimeout(30_000);
page.on('pageerror', (e) => log(`pageerror: ${e.message}`));

async function shot(name, clip) {
    const file = path.join(env.OUT_DIR, name);
    await page.screenshot({ path: file, ...(clip ? { clip } : {}) });
    (result.screenshots ??= []).push(file);
    return file;
}

/** Text of the editor's rendered lines (Monaco uses nbsp for spaces). */
async function editorLines() {
    return page.$$eval('.editor-group-container.active .monaco-editor .view-lines .view-line', (els) =>
        els
            .map((el) => ({ top: parseFloat(el.style.top) || 0, text: el.textContent.replace(/\u00a0/g, ' ') }))
            .sort((a, b) => a.top - b.top)
            .map((l) => l.text),
    );
}

async function waitForLines(predicate, what, timeout = 30_000) {
    const end = Date.now() + timeout;
    let lines = [];
    while (Date.now() < end) {
        lines = await editorLines();
        if (predicate(lines)) {
            return lines;
        }
        await sleep(250);
    }
    throw new Error(`timed out waiting for ${what}; editor has ${JSON.stringify(lines)}`);
}

// The item's accessibility label is "DeepSeek: <state>[: message]" (status.ts); a status bar
// message such as "DeepSeek: API key saved" is not the item.
async function statusLabel() {
    return page.evaluate(() => {
        const el = [...document.querySelectorAll('#workbench\\.parts\\.statusbar [aria-label]')].find((e) =>
            /^DeepSeek: (idle|fetching|error|disabled|starting|stopped)/.test(e.getAttribute('aria-label')),
        );
        return el ? el.getAttribute('aria-label') : null;
    });
}

async function waitForStatus(prefix, timeout = 60_000) {
    const end = Date.now() + timeout;
    let label = null;
    while (Date.now() < end) {
        label = await statusLabel();
        if (label && label.startsWith(prefix)) {
            return label;
        }
        await sleep(250);
    }
    throw new Error(`status bar never showed "${prefix}" (last: ${label})`);
}

/** Record every label the DeepSeek status item shows, and the most spinners seen at once. */
async function watchStatusBar() {
    await page.evaluate(() => {
        const bar = document.querySelector('#workbench\\.parts\\.statusbar');
        const history = (window.__dsStatus = []);
        window.__dsSpin = { max: 0, labels: [] };
        const record = () => {
            const el = [...bar.querySelectorAll('[aria-label]')].find((e) => /^DeepSeek: (idle|fetching|error|disabled|starting|stopped)/.test(e.getAttribute('aria-label')));
            const label = el ? el.getAttribute('aria-label') : null;
            if (label !== history[history.length - 1]) history.push(label);
            const spinning = [...bar.querySelectorAll('.codicon-modifier-spin')].map(
                (icon) => (icon.closest('.statusbar-item') ?? icon).textContent.trim() || icon.className,
            );
            if (spinning.length > window.__dsSpin.max) window.__dsSpin = { max: spinning.length, labels: spinning };
        };
        new MutationObserver(record).observe(bar, { subtree: true, childList: true, attributes: true, characterData: true });
        record();
    });
}

const statusHistoryLength = () => page.evaluate(() => window.__dsStatus.length);

/** Wait until the server was stopped or (re)started after history index `since`, then is idle. */
async function waitForRestart(since, timeout = 60_000) {
    await page.waitForFunction(
        (i) => {
            const after = window.__dsStatus.slice(i);
            return (
                after.some((l) => l && /^DeepSeek: (stopped|starting)/.test(l)) &&
                /^DeepSeek: idle/.test(after[after.length - 1] ?? '')
            );
        },
        { timeout, polling: 'mutation' },
        since,
    ).catch(async (e) => {
        throw new Error(`no restart seen: ${JSON.stringify(await page.evaluate(() => window.__dsStatus))} (${e})`);
    });
}

/**
 * Set a user setting in the Settings editor, as a user does (code-server does not notice
 * settings.json being changed behind its back), and wait until it is saved.
 */
async function setSettingInUi(key, value, { isDefault = false } = {}) {
    await page.keyboard.down('Control');
    await page.keyboard.press('Comma');
    await page.keyboard.up('Control');
    await page.waitForSelector('.settings-editor .suggest-input-container', { visible: true });
    await page.click('.settings-editor .suggest-input-container');
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.sendCharacter(key);
    // The row whose label is the key's title ("ds-lsp.maxTokens" -> "Max Tokens"); the search
    // also lists near matches ("Generate Max Tokens").
    const title = key
        .split('.')
        .pop()
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .replace(/^./, (c) => c.toUpperCase());
    const row = await page.waitForFunction(
        (t) =>
            [...document.querySelectorAll('.settings-editor .setting-item-contents')].find(
                (r) => r.querySelector('.setting-item-label')?.textContent.trim() === t && r.querySelector('input.input'),
            ),
        { timeout: 20_000 },
        title,
    );
    const input = await row.asElement().$('input.input');
    await input.click();
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.sendCharacter(String(value)); // one input event: one settings write
    const end = Date.now() + 20_000;
    // The Settings editor removes a setting set back to its default.
    const saved = () => readSettings()[key] === value || (isDefault && readSettings()[key] === undefined);
    while (!saved()) {
        if (Date.now() > end) throw new Error(`${key} never became ${JSON.stringify(value)} in settings.json`);
        await sleep(100);
    }
}

/** Close the Settings editor (a modal in this VS Code) if it is open. */
async function closeSettings() {
    for (let i = 0; i < 3 && (await page.$('.settings-editor')); i++) {
        const visible = await page.$eval('.settings-editor', (e) => e.getBoundingClientRect().width > 0).catch(() => false);
        if (!visible) return;
        await page.keyboard.press('Escape');
        await sleep(200);
    }
}

/** Change user settings in the Settings editor, wait for the restart they cause, back to the file. */
async function changeSettingsAndWaitForRestart(changes) {
    const since = await statusHistoryLength();
    for (const [key, value] of Object.entries(changes)) {
        await setSettingInUi(key, value, { isDefault: key === 'ds-lsp.timeoutMs' && value === DEFAULT_TIMEOUT_MS });
    }
    await waitForRestart(since);
    await closeSettings();
    await openSample();
}

/** The FIM requests the mock has seen so far. */
function mockFimRequests() {
    if (!fs.existsSync(env.MOCK_LOG)) return [];
    return fs
        .readFileSync(env.MOCK_LOG, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((r) => r.path.endsWith('/completions') && !r.path.includes('chat'));
}

/** Click the DeepSeek status bar item like a user does (mouse on its centre). */
async function clickStatusItem() {
    const box = await page.evaluate(() => {
        const el = [...document.querySelectorAll('#workbench\\.parts\\.statusbar [aria-label]')].find((e) =>
            /^DeepSeek: (idle|fetching|error|disabled|starting|stopped)/.test(e.getAttribute('aria-label')),
        );
        if (!el) return null;
        const r = el.getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2, html: el.outerHTML.slice(0, 300) };
    });
    if (!box) throw new Error('no DeepSeek status bar item');
    log(`status item ${JSON.stringify(box)}`);
    await page.mouse.move(box.x, box.y);
    await sleep(100);
    await page.mouse.click(box.x, box.y);
}

/** Click the status item and read the menu it opens (the quick pick's rows). */
async function openStatusMenu() {
    // The item is drawn anew when the state changes (a completion in flight): a click that
    // lands while it is replaced is lost, so click again until the menu shows.
    for (let attempt = 1; ; attempt++) {
        await clickStatusItem();
        try {
            await page.waitForSelector('.quick-input-widget .quick-input-list .monaco-list-row', { visible: true, timeout: 5_000 });
            break;
        } catch (error) {
            if (attempt === 3) throw error;
        }
    }
    await sleep(300);
    return page.$$eval('.quick-input-widget .quick-input-list .monaco-list-row', (rows) =>
        rows.map((r) => (r.querySelector('.label-name')?.textContent ?? r.textContent).replace(/\u00a0/g, ' ').trim()),
    );
}

/** Pick the menu row whose label contains `text`. */
async function pickMenuRow(text) {
    await page.keyboard.type(text, { delay: 10 });
    await page.waitForFunction(
        (t) => document.querySelector('.quick-input-list .monaco-list-row.focused')?.textContent.includes(t),
        {},
        text,
    );
    await page.keyboard.press('Enter');
    await page.waitForSelector('.quick-input-widget', { hidden: true });
}

/**
 * Count the "generating code" progress indicators shown at once (the most, and how many now):
 * notifications, and status bar entries (where vscode-languageclient shows a server's $/progress).
 */
async function watchGenerateToasts() {
    await page.evaluate(() => {
        window.__dsGen = { max: 0, visible: 0, texts: [] };
        const count = () => {
            const places = [
                ...document.querySelectorAll('.notification-toast'),
                ...document.querySelectorAll('#workbench\\.parts\\.statusbar .statusbar-item'),
            ];
            const shown = places.filter((t) => /generating code/i.test(t.textContent));
            window.__dsGen.visible = shown.length;
            if (shown.length > window.__dsGen.max) {
                window.__dsGen.max = shown.length;
                window.__dsGen.texts = shown.map((t) => t.innerText);
            }
        };
        new MutationObserver(count).observe(document.body, { subtree: true, childList: true, characterData: true });
        count();
    });
}

/** After generated code appeared: how long until no "generating code" notification is left. */
async function generateToastsAfterInsert() {
    const inserted = Date.now();
    await page.waitForFunction(() => window.__dsGen.visible === 0, { timeout: 15_000, polling: 'mutation' });
    const gen = await page.evaluate(() => ({ ...window.__dsGen }));
    return { maxAtOnce: gen.max, texts: gen.texts, goneMsAfterInsert: Date.now() - inserted };
}

async function focusEditor() {
    await page.click('.editor-group-container.active .monaco-editor .view-lines');
    await sleep(200);
}

/** Run a command from the palette: F1 (again if the palette did not take the focus), its title, Enter. */
async function runCommand(title) {
    for (let attempt = 1; ; attempt++) {
        await page.keyboard.press('F1');
        try {
            await page.waitForFunction(() => document.activeElement?.closest('.quick-input-widget'), { timeout: 5000 });
            break;
        } catch (error) {
            if (attempt === 3) throw error;
            await page.keyboard.press('Escape');
        }
    }
    await page.keyboard.type(title, { delay: 10 });
    await page.waitForFunction(
        (t) => document.querySelector('.quick-input-list .monaco-list-row.focused')?.textContent.includes(t),
        {},
        title,
    );
    await page.keyboard.press('Enter');
}

async function quickInput(text, pickRow = false) {
    await page.waitForSelector('.quick-input-widget input', { visible: true });
    await sleep(300);
    await page.keyboard.type(text, { delay: 10 });
    if (pickRow) {
        await page.waitForFunction(
            (t) => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.textContent.includes(t)),
            {},
            text,
        );
        await sleep(300);
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector('.quick-input-widget', { hidden: true });
}

async function ghostText(timeout = 30_000) {
    await page.waitForFunction(
        () => [...document.querySelectorAll('.monaco-editor .ghost-text, .monaco-editor .ghost-text-decoration')].some((e) => e.textContent.trim()),
        { timeout },
    );
    return page.$$eval('.monaco-editor .ghost-text, .monaco-editor .ghost-text-decoration', (els) =>
        els.map((e) => e.textContent.replace(/\u00a0/g, ' ')).join(''),
    );
}

async function typeLine(text) {
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type(text, { delay: 40 });
}

async function toastWith(pattern, timeout = 30_000) {
    await page.waitForFunction(
        (src) => [...document.querySelectorAll('.notification-toast')].some((t) => new RegExp(src, 'i').test(t.textContent)),
        { timeout },
        pattern,
    );
    return page.$$eval('.notification-toast', (ts) => ts.map((t) => t.innerText));
}

/** Each toast's text and button labels. */
async function toasts() {
    return page.$$eval('.notification-toast', (ts) =>
        ts.map((t) => ({
            text: t.querySelector('.notification-list-item-message')?.textContent ?? t.innerText,
            buttons: [...t.querySelectorAll('.monaco-button')].map((b) => b.textContent.trim()).filter(Boolean),
        })),
    );
}

async function toastMatching(pattern, timeout = 30_000) {
    await toastWith(pattern, timeout);
    return (await toasts()).find((t) => new RegExp(pattern, 'i').test(t.text));
}

async function gotoEnd() {
    await focusEditor();
    await page.keyboard.down('Control');
    await page.keyboard.press('End');
    await page.keyboard.up('Control');
}

async function clickToastButton(label) {
    const clicked = await page.evaluate((l) => {
        const button = [...document.querySelectorAll('.notification-toast .monaco-button')].find((b) => b.textContent.trim() === l);
        if (button) button.click();
        return !!button;
    }, label);
    if (!clicked) throw new Error(`no "${label}" button on a notification`);
}

async function openSample() {
    await page.keyboard.down('Control');
    await page.keyboard.press('p');
    await page.keyboard.up('Control');
    await quickInput('sample.py', true);
    await page.waitForSelector('.tab[aria-label*="sample.py"]');
    await waitForLines((lines) => lines.some((l) => l.includes('def main')), 'sample.py content');
    await gotoEnd();
}

/** settings.json; VS Code may be halfway through writing it: read again until it parses. */
function readSettings() {
    for (let attempt = 1; ; attempt++) {
        try {
            return JSON.parse(fs.readFileSync(env.SETTINGS_FILE, 'utf8'));
        } catch (error) {
            if (attempt === 40) throw error;
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); // 50 ms, synchronously
        }
    }
}

try {
    await step('open workbench', async () => {
        await page.goto(`${env.CS_URL}/?folder=${encodeURIComponent(env.WORKSPACE)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
        await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
        await sleep(2000);
    });

    await step('open sample.py', openSample);

    result.statusAtStart = await step('extension starts ds-lsp (status bar)', async () => {
        const label = await waitForStatus('DeepSeek: idle', 90_000);
        await watchStatusBar();
        return label;
    });

    result.apiKeyToast = await step('401 offers Set API Key', async () => {
        await typeLine('value = ');
        return toastWith('api key', 30_000);
    });

    await step('Set API Key from the notification', async () => {
        const since = await statusHistoryLength();
        await clickToastButton('Set API Key');
        await quickInput('sk-from-secret-storage');
        await waitForRestart(since);
    });

    result.ghost = await step('type and see ghost text', async () => {
        await gotoEnd();
        await typeLine('result = ');
        const text = await ghostText();
        await shot('ghost-text.png');
        const bar = await page.$('#workbench\\.parts\\.statusbar');
        const box = await bar.boundingBox();
        await shot('status-bar.png', { x: box.x + box.width / 2, y: box.y - 120, width: box.width / 2, height: box.height + 120 });
        return text;
    });

    result.accepted = await step('Tab accepts', async () => {
        await page.keyboard.press('Tab');
        const lines = await waitForLines((ls) => ls.some((l) => l.startsWith('result = ') && l.includes(env.FIM_TEXT)), 'accepted line');
        return lines.find((l) => l.startsWith('result = '));
    });

    result.askNow = await step('Alt+\\ asks for a suggestion now', async () => {
        await typeLine('again = ');
        await ghostText();
        await page.keyboard.press('Escape');
        await page.waitForFunction(
            () => ![...document.querySelectorAll('.monaco-editor .ghost-text, .monaco-editor .ghost-text-decoration')].some((e) => e.textContent.trim()),
            { timeout: 10_000 },
        );
        await page.keyboard.down('Alt');
        await page.keyboard.press('Backslash');
        await page.keyboard.up('Alt');
        return ghostText(15_000);
    });

    result.settingsChange = await step('settings change applies without restart', async () => {
        const since = await statusHistoryLength();
        // temperature: a setting a workspace may set too (what the key spends restarts)
        await setSettingInUi('ds-lsp.temperature', 0.5);
        await closeSettings();
        await openSample();
        // Type until the mock sees the new temperature (the push is a notification: no answer).
        for (let i = 0; i < 20; i++) {
            await page.keyboard.press('Escape');
            await typeLine(`other${i} = `);
            await ghostText();
            if (mockFimRequests().some((r) => r.body.temperature === 0.5)) {
                return { lines: i + 1, statusSince: await page.evaluate((n) => window.__dsStatus.slice(n), since) };
            }
        }
        throw new Error('the mock never saw temperature 0.5');
    });

    result.generatedFromComment = await step('Generate Code Block below a comment', async () => {
        await page.keyboard.press('Escape');
        await typeLine('# add two numbers');
        await page.keyboard.press('Escape');
        await page.keyboard.press('End');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Escape');
        await watchGenerateToasts();
        await runCommand('DeepSeek: Generate Code Block');
        const lines = await waitForLines((ls) => ls.some((l) => l.includes(env.CHAT_CODE)), 'generated code');
        const toasts = await generateToastsAfterInsert();
        await shot('generated.png');
        return { lines, toasts };
    });

    result.generatedFromInput = await step('Generate Code Block with an instruction', async () => {
        await gotoEnd();
        await typeLine('x = 1');
        await page.keyboard.press('Escape');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Escape');
        await runCommand('DeepSeek: Generate Code Block');
        await quickInput('multiply two numbers');
        const lines = await waitForLines(
            (ls) => ls.filter((l) => l.includes(env.CHAT_CODE)).length >= 2,
            'second generated block',
        );
        return lines;
    });

    result.generatedFromSelection = await step('Generate Code Block replacing a selection', async () => {
        await focusEditor();
        await page.keyboard.down('Control');
        await page.keyboard.press('Home');
        await page.keyboard.up('Control');
        for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Home');
        await page.keyboard.down('Shift');
        await page.keyboard.press('End');
        await page.keyboard.up('Shift');
        await runCommand('DeepSeek: Generate Code Block');
        return waitForLines((ls) => ls.filter((l) => l.includes(env.CHAT_CODE)).length >= 3, 'third generated block');
    });

    result.toggle = await step('status bar menu turns completions off and on', async () => {
        const before = await statusLabel();
        const rows = await openStatusMenu();
        await shot('status-menu.png');
        await pickMenuRow('Turn completions off');
        const off = await waitForStatus('DeepSeek: disabled', 15_000);
        const enableAfterClick = readSettings()['ds-lsp.enable'];
        await shot('status-disabled.png');
        const rowsWhenOff = await openStatusMenu();
        await pickMenuRow('Turn completions on');
        const on = await waitForStatus('DeepSeek: idle', 15_000);
        return { before, rows, off, enableAfterClick, rowsWhenOff, on, enableAfterSecondClick: readSettings()['ds-lsp.enable'] };
    });

    result.slowCompletion = await step('a slow completion shows one status indicator', async () => {
        await changeSettingsAndWaitForRestart({ 'ds-lsp.baseUrl': env.SLOW_URL });
        await page.keyboard.press('Escape');
        await page.evaluate(() => (window.__dsSpin = { max: 0, labels: [] }));
        const since = await statusHistoryLength();
        await gotoEnd();
        await typeLine('slow = ');
        const ghost = await ghostText(30_000);
        await shot('slow-completion.png');
        const { spin, statuses } = await page.evaluate((n) => ({ spin: window.__dsSpin, statuses: window.__dsStatus.slice(n) }), since);
        return { ghost, maxSpinners: spin.max, spinning: spin.labels, statuses };
    });

    result.networkWarning = await step('network warning offers Show Output and Open Settings', async () => {
        await changeSettingsAndWaitForRestart({ 'ds-lsp.baseUrl': env.DEAD_URL, 'ds-lsp.timeoutMs': 1500 });
        await page.keyboard.press('Escape');
        await gotoEnd();
        await typeLine('net = ');
        const toast = await toastMatching('cannot reach', 30_000);
        await shot('network-warning.png');
        await clickToastButton('Show Output');
        await page.waitForFunction(
            () => [...document.querySelectorAll('.part.panel .monaco-editor .view-lines')].some((e) => /ds_lsp|starting/.test(e.textContent)),
            { timeout: 20_000 },
        );
        // The output view shows the newest lines; the warning record is among them.
        await page.waitForFunction(
            () => /\[warning\]\sds_lsp/.test(document.querySelector('.part.panel')?.innerText.replace(/\u00a0/g, ' ') ?? ''),
            { timeout: 20_000 },
        );
        const panel = await page.$eval('.part.panel', (p) => p.innerText.replace(/\u00a0/g, ' ').slice(-4000));
        await shot('output-levels.png');
        return { toast, panel };
    });

    result.networkMenu = await step('status click in the network error state opens the output, not off', async () => {
        const label = await waitForStatus('DeepSeek: error', 15_000);
        await page.keyboard.down('Control'); // Ctrl+J: hide the panel the toast's button opened
        await page.keyboard.press('j');
        await page.keyboard.up('Control');
        await page.waitForFunction(() => !(document.querySelector('.part.panel')?.getBoundingClientRect().height > 0), { timeout: 10_000 });
        const rows = await openStatusMenu();
        await shot('status-menu-network.png');
        await pickMenuRow('Show Output');
        await page.waitForFunction(
            () => /\[warning\]\sds_lsp/.test(document.querySelector('.part.panel')?.innerText.replace(/\u00a0/g, ' ') ?? ''),
            { timeout: 20_000 },
        );
        return { label, rows, after: await statusLabel(), enable: readSettings()['ds-lsp.enable'] ?? true };
    });

    result.networkOpenSettings = await step('network warning: Open Settings opens the extension settings', async () => {
        const since = await statusHistoryLength();
        await runCommand('DeepSeek: Restart Server');
        await waitForRestart(since);
        await gotoEnd();
        await typeLine('net2 = ');
        const toast = await toastMatching('cannot reach', 30_000);
        await clickToastButton('Open Settings');
        await page.waitForSelector('.settings-editor', { visible: true, timeout: 20_000 });
        await page.waitForFunction(
            () => document.querySelectorAll('.settings-editor .setting-item-contents').length > 0,
            { timeout: 20_000 },
        );
        const query = await page.evaluate(() => document.querySelector('.settings-editor .suggest-input-container .view-lines')?.textContent ?? '');
        const shown = await page.$$eval('.settings-editor .setting-item-label, .settings-editor .setting-item-category', (els) =>
            els.map((e) => e.textContent.trim()).filter(Boolean),
        );
        await shot('open-settings.png');
        // Back to the mock and the editor.
        await changeSettingsAndWaitForRestart({ 'ds-lsp.baseUrl': env.MOCK_URL, 'ds-lsp.timeoutMs': DEFAULT_TIMEOUT_MS });
        return { toast, query: query.replace(/\u00a0/g, ' '), shown: shown.slice(0, 20) };
    });

    result.output = await step('Show Output', async () => {
        await runCommand('DeepSeek: Show Output');
        await page.waitForFunction(
            () => [...document.querySelectorAll('.part.panel .monaco-editor .view-lines')].some((e) => /ds-lsp|starting/.test(e.textContent)),
            { timeout: 20_000 },
        );
        return page.$eval('.part.panel', (p) => p.textContent.slice(0, 2000));
    });

    await step('Clear API Key', async () => {
        const since = await statusHistoryLength();
        await runCommand('DeepSeek: Clear API Key');
        await waitForRestart(since);
    });

    result.afterRestart = await step('Restart Server', async () => {
        const since = await statusHistoryLength();
        await runCommand('DeepSeek: Restart Server');
        await waitForRestart(since);
        await gotoEnd();
        await typeLine('after_restart = ');
        return ghostText();
    });

    // ---- next edit suggestions (nextEdit.ts): the mock renames `price` to `cost` ----
    result.nextEditShown = await step('next edit shows after a rename', async () => {
        await page.keyboard.press('Escape');
        await page.keyboard.down('Control');
        await page.keyboard.press('p');
        await page.keyboard.up('Control');
        await quickInput('shop.py', true);
        await waitForLines((ls) => ls.some((l) => l.startsWith('def total(price')), 'shop.py content');
        await focusEditor();
        await page.keyboard.down('Control');
        await page.keyboard.press('Home');
        await page.keyboard.up('Control');
        for (let i = 0; i < 'def total('.length; i++) await page.keyboard.press('ArrowRight');
        await page.keyboard.down('Shift');
        for (let i = 0; i < 'price'.length; i++) await page.keyboard.press('ArrowRight');
        await page.keyboard.up('Shift');
        await page.keyboard.type('cost', { delay: 40 });
        // To the start of the file: ghost text asked after "cost" is not shown there (Tab
        // would take it first), and the cursor is not on the edit's line (Tab jumps first).
        await page.keyboard.down('Control');
        await page.keyboard.press('Home');
        await page.keyboard.up('Control');
        const seen = await page.waitForFunction(() => {
            const root = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
            const spans = [...root.querySelectorAll('span')];
            const after = spans
                .map((e) => window.getComputedStyle(e, '::after').content)
                .filter((c) => c && c !== 'none' && c !== 'normal');
            const struck = spans
                .filter((e) => window.getComputedStyle(e).textDecorationLine.includes('line-through'))
                .map((e) => e.textContent);
            const hint = [...document.querySelectorAll('#workbench\\.parts\\.statusbar .statusbar-item')]
                .map((e) => e.textContent.trim())
                .find((t) => t.includes('next edit'));
            return after.some((c) => c.includes('cost')) && struck.some((t) => t.includes('price')) && hint
                ? { after, struck, hint }
                : null;
        }, { timeout: 30_000, polling: 250 });
        await shot('next-edit.png');
        return seen.jsonValue();
    });

    result.nextEditApplied = await step('next edit: Tab jumps, then Tab applies', async () => {
        const ghost = () => page.$$eval('.monaco-editor .ghost-text, .monaco-editor .ghost-text-decoration', (els) =>
            els.some((e) => e.textContent.trim()),
        );
        if (await ghost()) {
            await page.keyboard.press('Escape'); // hides the ghost text only (the edit stays)
        }
        await page.keyboard.press('Tab');
        const hint = await page.waitForFunction(
            () =>
                [...document.querySelectorAll('#workbench\\.parts\\.statusbar .statusbar-item')]
                    .map((e) => e.textContent.trim())
                    .find((t) => t.includes('next edit') && t.includes('Tab to apply')),
            { timeout: 10_000, polling: 100 },
        );
        const lines = await editorLines();
        await page.keyboard.press('Tab');
        const applied = await waitForLines((ls) => ls.includes('    subtotal = cost * qty'), 'the applied next edit');
        return { hintAfterJump: await hint.jsonValue(), linesAfterJump: lines, lines: applied };
    });
    result.ok = true;
} catch (error) {
    result.ok = false;
    result.error = String(error && error.stack || error);
    try {
        await shot('failure.png');
        result.toasts = await page.$$eval('.notification-toast', (ts) => ts.map((t) => t.innerText));
        result.status = await statusLabel();
        result.lines = await editorLines();
        await runCommand('DeepSeek: Show Output');
        await sleep(1000);
        result.outputPanel = await page.$eval('.part.panel', (p) => p.innerText.slice(-6000));
    } catch (e) {
        log(`while reporting: ${e}`);
    }
} finally {
    save();
    await browser.close().catch(() => undefined);
}
process.exit(result.ok ? 0 : 1);
