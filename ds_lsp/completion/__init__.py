"""Completions: from a cursor in an open document to a cleaned suggestion.

`pipeline.CompletionPipeline.complete` is the whole path, top to bottom: gating (enable,
languages, exclude), window, mode, ask (prompt and cache key), cache, debounce and
latest-wins, prefetch, fetch (through upstream/), postprocess. Nothing here imports pygls.
"""
