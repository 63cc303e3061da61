"""Next edit suggestions (issue 20): the user's recent edits, the editable region around the
cursor, the chat prompt, and the model's rewritten region turned into the smallest edit.

Pure: no pygls, no HTTP. `history` records edits as the editor sends them, `region` cuts the
marked region, `prompt` writes the chat prefix request, `answer` turns the reply into one edit.
"""
