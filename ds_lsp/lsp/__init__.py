"""The LSP side: the only package that imports pygls or lsprotocol, with pygls as its one
protocol engine.

server: `create_server()`, every handler (start reading here); frames: the hardened frame
reader in front of pygls; connection: each frame checked and handed to pygls (or refused by
it); serve: stdio, TCP and Unix sockets; state: the session's documents, settings, upstream
session and completion pipeline; completions, items, code_action, generate_command: the
answers; progress: work-done progress; ui: the core's messages to the editor; commands: the
ids the editor and the server share.
"""
