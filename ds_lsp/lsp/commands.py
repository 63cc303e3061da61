"""The names the editor and the server share: command ids, trigger characters, code-action
kinds and ds-lsp's own notification. One place, so the server, its answers and the editor
configs cannot drift apart (editors/ and vscode-extension/ name these same strings)."""

from __future__ import annotations

GENERATE_COMMAND = "ds-lsp.generateCodeBlock"  # write a block from an instruction
ACCEPTED_COMMAND = "ds-lsp.acceptedSuggestion"  # run by the editor when a suggestion is taken
USAGE_COMMAND = "ds-lsp.showUsage"  # tokens, suggestions and cost, as a message
SNOOZE_COMMAND = "ds-lsp.snooze"  # [{"minutes": n}]: pause automatic suggestions (0 resumes)
ACCEPTED_NEXT_EDIT_COMMAND = "ds-lsp.acceptedNextEdit"  # a next edit's own command: taken
DISMISSED_NEXT_EDIT_COMMAND = "ds-lsp.dismissedNextEdit"  # run by an editor: dismissed
COMMANDS = (
    GENERATE_COMMAND,
    USAGE_COMMAND,
    ACCEPTED_COMMAND,
    SNOOZE_COMMAND,
    ACCEPTED_NEXT_EDIT_COMMAND,
    DISMISSED_NEXT_EDIT_COMMAND,
)

TRIGGER_CHARACTERS = [".", "(", "[", "{", ",", ":", "=", " "]
GENERATE_ACTION_KIND = "refactor.rewrite"
NEXT_EDIT_ACTION_KIND = "quickfix"  # "Apply predicted edit (DeepSeek)"
CODE_ACTION_KINDS = [GENERATE_ACTION_KIND, NEXT_EDIT_ACTION_KIND]

STATUS_METHOD = "ds-lsp/status"  # server -> client: {"state", "message"?}
INLINE_EDIT_METHOD = "textDocument/copilotInlineEdit"  # next edit suggestions (Copilot's name)
DID_SHOW_INLINE_EDIT_METHOD = "textDocument/didShowInlineEdit"  # client -> server: shown
