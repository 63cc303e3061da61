-- What the user sees of a next edit in the current Neovim window, as JSON: mode, buffer
-- lines, cursor, and the marks of editors/neovim/ds-lsp.lua's next-edit namespace (the range
-- struck through, the inline text and virtual lines of the new text, the hint).
local buf = vim.api.nvim_get_current_buf()
local ns = vim.api.nvim_get_namespaces()['ds_lsp.next_edit']
local marks = {}
if ns then
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
    local d = mark[4]
    local text = {}
    for _, chunk in ipairs(d.virt_text or {}) do
      text[#text + 1] = chunk[1]
    end
    local below = {}
    for _, line in ipairs(d.virt_lines or {}) do
      local parts = {}
      for _, chunk in ipairs(line) do
        parts[#parts + 1] = chunk[1]
      end
      below[#below + 1] = table.concat(parts)
    end
    marks[#marks + 1] = {
      row = mark[2],
      col = mark[3],
      end_row = d.end_row or mark[2],
      end_col = d.end_col or mark[3],
      hl = d.hl_group or '',
      text = table.concat(text),
      below = table.concat(below, '\n'),
      pos = d.virt_text_pos or '',
    }
  end
end
local clients = {}
for _, client in ipairs(vim.lsp.get_clients({ bufnr = buf })) do
  clients[#clients + 1] = client.name
end
return vim.json.encode({
  mode = vim.api.nvim_get_mode().mode,
  lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false),
  cursor = vim.api.nvim_win_get_cursor(0),
  marks = marks,
  clients = clients,
})
