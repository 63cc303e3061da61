/**
 * The argument of `ds-lsp.generateCodeBlock` and when to ask for an instruction (pure).
 */

export interface Position {
    line: number;
    character: number;
}

export interface Range {
    start: Position;
    end: Position;
}

export interface GenerateArgument {
    textDocument: { uri: string };
    position?: Position;
    range?: Range;
    instruction?: string;
}

export interface GenerateResult {
    applied: boolean;
    text: string;
}

export const GENERATE_COMMAND = 'ds-lsp.generateCodeBlock';

// Line-comment and block-comment openers of common languages.
const COMMENT_START = /^\s*(#|\/\/|--|;|%|\/\*|\*|<!--|"""|'''|REM\b|')/;

/** True when a line of code is (the start or the inside of) a comment. */
export function isCommentLine(line: string): boolean {
    return COMMENT_START.test(line) && !/^\s*#(include|define|if|ifdef|ifndef|endif|else|pragma|import)\b/.test(line);
}

/**
 * Whether the user needs to type an instruction: there is no selection and neither the
 * cursor's line nor the line above is a comment the server can take as the instruction.
 */
export function needsInstruction(hasSelection: boolean, lineText: string, lineAbove: string | undefined): boolean {
    if (hasSelection) {
        return false;
    }
    return !isCommentLine(lineText) && (lineAbove === undefined || !isCommentLine(lineAbove));
}

export function generateArgument(
    uri: string,
    where: { position: Position } | { range: Range },
    instruction?: string,
): GenerateArgument {
    const arg: GenerateArgument = { textDocument: { uri }, ...where };
    const trimmed = instruction?.trim();
    if (trimmed) {
        arg.instruction = trimmed;
    }
    return arg;
}

export function isGenerateResult(value: unknown): value is GenerateResult {
    return (
        typeof value === 'object' &&
        value !== null &&
        typeof (value as GenerateResult).applied === 'boolean' &&
        typeof (value as GenerateResult).text === 'string'
    );
}
