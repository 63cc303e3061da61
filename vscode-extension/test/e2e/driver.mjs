// Drives the real VS Code workbench (code-server) in headless Chromium with puppeteer-core.
// Started by tests/vscode/test_vscode.py, which starts code-server, the mock DeepSeek server
// and checks what crossed the socket; this script does what a user does and writes what it
// saw to $RESULT_FILE (JSON) and screenshots to $OUT_DIR.
//
// env: CS_URL, WORKSPACE, SETTINGS_FILE, OUT_DIR, RESULT_FILE, PUPPETEER_DIR, CHROMIUM,
//      FIM_TEXT (what the mock completes), CHAT_CODE (first line of generated code).
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';

const env = process.env;
const require = createRequire(path.join(env.PUPPETEER_DIR, 'package.json'));
const puppeteer = require('puppeteer-core');

const result = { steps: [] };
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

async function statusLabel() {
    return page.evaluate(() => {
        const el = [...document.querySelectorAll('#workbench\\.parts\\.statusbar [aria-label]')].find((e) =>
            e.getAttribute('aria-label').startsWith('DeepSeek:'),
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

/** Click the DeepSeek status bar item like a user does (mouse on its centre). */
async function clickStatusItem() {
    const box = await page.evaluate(() => {
        const el = [...document.querySelectorAll('#workbench\\.parts\\.statusbar [aria-label]')].find((e) =>
            e.getAttribute('aria-label').startsWith('DeepSeek:'),
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

async function focusEditor() {
    await page.click('.editor-group-container.active .monaco-editor .view-lines');
    await sleep(200);
}

async function runCommand(title) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { visible: true });
    await page.keyboard.type(title, { delay: 10 });
    await page.waitForFunction(
        (t) => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.textContent.includes(t)),
        {},
        title,
    );
    await sleep(300);
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

async function clickToastButton(label) {
    const clicked = await page.evaluate((l) => {
        const button = [...document.querySelectorAll('.notification-toast .monaco-button')].find((b) => b.textContent.trim() === l);
        if (button) button.click();
        return !!button;
    }, label);
    if (!clicked) throw new Error(`no "${label}" button on a notification`);
}

function readSettings() {
    return JSON.parse(fs.readFileSync(env.SETTINGS_FILE, 'utf8'));
}

try {
    await step('open workbench', async () => {
        await page.goto(`${env.CS_URL}/?folder=${encodeURIComponent(env.WORKSPACE)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
        await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
        await sleep(2000);
    });

    await step('open sample.py', async () => {
        await page.keyboard.down('Control');
        await page.keyboard.press('p');
        await page.keyboard.up('Control');
        await quickInput('sample.py', true);
        await page.waitForSelector('.tab[aria-label*="sample.py"]');
        await waitForLines((lines) => lines.some((l) => l.includes('def main')), 'sample.py content');
        await focusEditor();
        await page.keyboard.down('Control');
        await page.keyboard.press('End');
        await page.keyboard.up('Control');
    });

    result.statusAtStart = await step('extension starts ds-lsp (status bar)', () => waitForStatus('DeepSeek: idle', 90_000));

    result.apiKeyToast = await step('401 offers Set API Key', async () => {
        await typeLine('value = ');
        return toastWith('api key', 30_000);
    });

    await step('Set API Key from the notification', async () => {
        await clickToastButton('Set API Key');
        await quickInput('sk-from-secret-storage');
        await sleep(1000);
        await waitForStatus('DeepSeek: idle', 60_000);
    });

    result.ghost = await step('type and see ghost text', async () => {
        await focusEditor();
        await page.keyboard.down('Control');
        await page.keyboard.press('End');
        await page.keyboard.up('Control');
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

    await step('settings change applies without restart', async () => {
        const settings = readSettings();
        settings['ds-lsp.maxTokens'] = 77;
        fs.writeFileSync(env.SETTINGS_FILE, JSON.stringify(settings, null, 2));
        await sleep(3000);
        await typeLine('other = ');
        return ghostText();
    });

    result.generatedFromComment = await step('Generate Code Block below a comment', async () => {
        await page.keyboard.press('Escape');
        await typeLine('# add two numbers');
        await page.keyboard.press('Escape');
        await page.keyboard.press('End');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Escape');
        await runCommand('DeepSeek: Generate Code Block');
        const lines = await waitForLines((ls) => ls.some((l) => l.includes(env.CHAT_CODE)), 'generated code');
        await shot('generated.png');
        return lines;
    });

    result.generatedFromInput = await step('Generate Code Block with an instruction', async () => {
        await focusEditor();
        await page.keyboard.down('Control');
        await page.keyboard.press('End');
        await page.keyboard.up('Control');
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

    result.toggle = await step('status bar click toggles', async () => {
        const before = await statusLabel();
        await clickStatusItem();
        const off = await waitForStatus('DeepSeek: disabled', 15_000);
        const enableAfterClick = readSettings()['ds-lsp.enable'];
        await shot('status-disabled.png');
        await clickStatusItem();
        const on = await waitForStatus('DeepSeek: idle', 15_000);
        return { before, off, enableAfterClick, on, enableAfterSecondClick: readSettings()['ds-lsp.enable'] };
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
        await runCommand('DeepSeek: Clear API Key');
        await sleep(1500);
        await waitForStatus('DeepSeek: idle', 60_000);
    });

    await step('Restart Server', async () => {
        await runCommand('DeepSeek: Restart Server');
        await sleep(1500);
        await waitForStatus('DeepSeek: idle', 60_000);
        await focusEditor();
        await page.keyboard.down('Control');
        await page.keyboard.press('End');
        await page.keyboard.up('Control');
        await typeLine('after_restart = ');
        return ghostText();
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
    } catch (e) {
        log(`while reporting: ${e}`);
    }
} finally {
    save();
    await browser.close().catch(() => undefined);
}
process.exit(result.ok ? 0 : 1);
