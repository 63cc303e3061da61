"""The LSP side: the only package that imports pygls or lsprotocol.

server: handlers, a few lines each; items: suggestions as inline or completion items;
transport: the hardened JSON-RPC frame loop; serve: stdio and TCP; initialize_answer: the
`initialize` answer given before pygls is imported; generate_command: the LSP side of
`ds-lsp.generateCodeBlock`; pygls_internals: every use of pygls's private API.
"""
