"""Generating a code block from an instruction (`ds-lsp.generateCodeBlock`), minus the LSP.

plan: the command's arguments, the instruction, the chat prompt and where the code goes;
comments: the instruction read from the comment block at the cursor, per language;
answer: the model's answer turned into code that fits the place (fences, prose, indent).
"""
