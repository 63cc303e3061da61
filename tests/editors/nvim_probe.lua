-- What the user sees in the current Neovim window, as JSON: mode, buffer lines, cursor,
-- inline-completion ghost text (extmarks), the completion menu, attached LSP clients.
local buf = vim.api.nvim_get_current_buf()
local ghost = {}
local ns = vim.api.nvim_get_namespaces()['nvim.lsp.inline_completion']
if ns then
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
    local details = mark[4]
    local lines = {}
    local first = {}
    for _, chunk in ipairs(details.virt_text or {}) do
      first[#first + 1] = chunk[1]
    end
    lines[1] = table.concat(first)
    for _, vline in ipairs(details.virt_lines or {}) do
      local parts = {}
      for _, chunk in ipairs(vline) do
        parts[#parts + 1] = chunk[1]
      end
      lines[#lines + 1] = table.concat(parts)
    end
    ghost[#ghost + 1] = { row = mark[2], col = mark[3], text = table.concat(lines, '\n') }
  end
end
local clients = {}
for _, client in ipairs(vim.lsp.get_clients({ bufnr = buf })) do
  clients[#clients + 1] = client.name
end
local info = vim.fn.complete_info({ 'pum_visible', 'items', 'selected' })
local menu = {}
for _, item in ipairs(info.items or {}) do
  menu[#menu + 1] = { word = item.word, abbr = item.abbr }
end
local messages = vim.api.nvim_exec2('messages', { output = true }).output
return vim.json.encode({
  mode = vim.api.nvim_get_mode().mode,
  lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false),
  cursor = vim.api.nvim_win_get_cursor(0),
  ghost = ghost,
  clients = clients,
  pum_visible = info.pum_visible == 1,
  menu = menu,
  messages = messages,
})
