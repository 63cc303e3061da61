"""The LSP side: the only package that imports pygls or lsprotocol, and only off the hot path.

hot_path: what the first completion needs, on plain JSON (routing, lifecycle, document
sync); state: the documents, settings, session and pipeline both paths share;
completion_requests, items, code_action: their answers; client: the server's notifications
and own requests; initialize_answer: the `initialize` answer; transport: the hardened
JSON-RPC frame loop; serve: stdio, TCP and Unix sockets; tail: pygls, loaded for the long
tail; server: pygls's handlers; generate_command: the LSP side of ds-lsp.generateCodeBlock;
pygls_internals: every use of pygls's private API.
"""
