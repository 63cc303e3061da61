/**
 * The server's stderr, line by line, at the level each line was logged with (pure, unit-tested).
 *
 * ds-lsp logs `%(asctime)s %(levelname)s %(name)s: %(message)s`; vscode-languageclient would
 * show every stderr line as an error. A line that does not start a record (a traceback, a
 * multi-line message) belongs to the record above it; before any record it is an error
 * (Python's own output when the server cannot start).
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
    level: LogLevel;
    /** The line without the server's timestamp and level (the output channel adds its own). */
    text: string;
}

const RECORD = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d+)? (TRACE|DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL) (.*)$/;

const LEVELS: Readonly<Record<string, LogLevel>> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARNING: 'warn',
    WARN: 'warn',
    ERROR: 'error',
    CRITICAL: 'error',
    FATAL: 'error',
};

/** Reads the server's stderr lines in order; remembers the level of the last record. */
export class ServerLogReader {
    private current: LogLevel = 'error';

    read(line: string): LogLine {
        const match = RECORD.exec(line);
        if (match) {
            this.current = LEVELS[match[1]] ?? 'info';
            return { level: this.current, text: match[2] };
        }
        if (line.startsWith('Traceback (most recent call last)')) {
            this.current = 'error';
        }
        return { level: this.current, text: line };
    }
}
