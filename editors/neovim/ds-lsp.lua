-- ds-lsp for Neovim >= 0.11: DeepSeek code completion through the built-in LSP client.
--
-- Install the server (next to a ds-lsp checkout: `pipx install ./ds-lsp`), put your key in
-- the environment (`export DEEPSEEK_API_KEY=sk-...`), then either
--   * copy this file: mkdir -p ~/.config/nvim/plugin && cp ds-lsp.lua ~/.config/nvim/plugin/
--     (Neovim loads it at startup), or
--   * try it alone: `nvim -u ds-lsp.lua some_file.py`.
--
-- What you get:
--   Neovim 0.12+  ghost text while you type (native inline completion).
--                 <Tab> accepts, <M-\> asks now, <M-]> / <M-[> cycle through suggestions.
--   Neovim 0.11   suggestions in the completion menu as you type.
--                 <C-y> accepts (the first item when none is selected), <M-\> (or <C-Space>)
--                 asks now.
--   Both          :DsLspGenerate [instruction]  writes code for the comment block above the
--                 cursor, for the selected lines (:'<,'>DsLspGenerate), or for the instruction.
--                 <leader>dg runs it (normal and visual mode); <leader>di asks for an
--                 instruction first. It is also offered as the code action
--                 "Generate code with DeepSeek" (`gra`).
--                 The server's messages show as one line each; :DsLspMessages shows them whole.
--
-- Environment read by this file (all optional):
--   DS_LSP_CMD   the server command line, split on spaces (default: "ds-lsp"),
--                e.g. DS_LSP_CMD="python3 -m ds_lsp --log-file /tmp/ds-lsp.log"
-- The server itself reads DEEPSEEK_API_KEY, DEEPSEEK_BASE_URL and DEEPSEEK_MODEL.
-- The server's log: start it with DS_LSP_CMD="ds-lsp --log-file /tmp/ds-lsp.log"; Neovim's own
-- LSP log is :LspLog (0.12: :lsp log).

if vim.fn.has('nvim-0.11') == 0 then
  -- Older Neovim (Debian 12 and Ubuntu 24.04 ship 0.7-0.9) lacks vim.lsp.config: say so in one
  -- line, after startup so that no "Press ENTER" prompt appears.
  local version = vim.fn.matchstr(vim.fn.execute('version'), [[NVIM v\zs[^ \n]*]])
  vim.schedule(function()
    vim.notify(
      ('ds-lsp needs Neovim 0.11+ (this is %s): see neovim.io'):format(version),
      vim.log.levels.WARN
    )
  end)
  return
end

local messages = {} -- what ds-lsp said in this session, whole (:DsLspMessages)

--- Show `text` on one line that fits the command line: a longer or multi-line message opens
--- Neovim's "Press ENTER" prompt, which swallows the next key the user types. `whole` (default
--- `text`) is kept for :DsLspMessages.
local function say(text, level, whole)
  messages[#messages + 1] = whole or text
  text = text:gsub('%s+', ' ')
  vim.schedule(function()
    local room = math.max(vim.v.echospace, 30)
    if vim.fn.strdisplaywidth(text) > room then
      local more = '... :DsLspMessages'
      text = vim.fn.strcharpart(text, 0, room - #more) .. more
    end
    vim.notify(text, level)
  end)
end

local cmd = { 'ds-lsp' }
if vim.env.DS_LSP_CMD and vim.env.DS_LSP_CMD ~= '' then
  cmd = vim.split(vim.env.DS_LSP_CMD, '%s+', { trimempty = true })
end
if vim.fn.executable(cmd[1]) == 0 then
  -- Neovim would otherwise fail silently (only :checkhealth vim.lsp tells)
  local text = "ds-lsp: no '%s' command: pipx install ./ds-lsp, or set DS_LSP_CMD"
  say(text:format(cmd[1]), vim.log.levels.WARN)
end

local init_options = {
  -- apiKey = 'sk-...',  -- better: the DEEPSEEK_API_KEY environment variable
  -- baseUrl = 'https://api.deepseek.com/beta',
  -- model = 'deepseek-flash',  -- like maxTokens and the budgets: yours alone, so here
}

--- Whether the server has a key to send, or needs none (another backend, a local URL).
local function key_missing()
  local backend = init_options.backend or vim.env.DS_LSP_BACKEND or 'deepseek'
  local url = init_options.baseUrl or vim.env.DEEPSEEK_BASE_URL or 'https://api.deepseek.com'
  local host = url:match('^%a+://([^/:]+)') or ''
  local local_host = host == 'localhost' or host:match('^127%.') ~= nil or url:find('://[::1]', 1, true)
  return backend == 'deepseek'
    and not local_host
    and (init_options.apiKey or '') == ''
    and (vim.env.DEEPSEEK_API_KEY or '') == ''
end

local key_told = false
local NO_KEY = 'ds-lsp: set DEEPSEEK_API_KEY (platform.deepseek.com/api_keys)'
local NO_KEY_WHOLE = 'No DeepSeek API key: export DEEPSEEK_API_KEY=sk-... in the environment '
  .. 'Neovim starts from, or set apiKey in init_options of ds-lsp.lua. '
  .. 'Get a key at https://platform.deepseek.com/api_keys'

vim.lsp.config('ds_lsp', {
  cmd = cmd,
  -- No `filetypes`: every file gets suggestions. Restrict with e.g.
  -- filetypes = { 'python', 'lua', 'rust', 'go', 'javascript', 'typescript', 'c', 'cpp' },
  root_dir = function(bufnr, on_dir)
    -- Only real files; plugin windows (pickers, trees) have a 'buftype'.
    if vim.bo[bufnr].buftype == '' and vim.api.nvim_buf_get_name(bufnr) ~= '' then
      on_dir(vim.fs.root(bufnr, { '.git' }) or vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr)))
    end
  end,
  -- Where the key goes is taken only from here (initializationOptions) or the environment,
  -- never from workspace settings a cloned repository could bring (see SECURITY.md).
  init_options = init_options,
  handlers = {
    -- The server's messages, one line each, never a prompt that swallows a key.
    ['window/showMessage'] = function(_, result)
      if key_told and result.message:match('^No [%w ]*API key') then
        messages[#messages + 1] = result.message -- shown in one line at attach already
        return
      end
      local levels = { vim.log.levels.ERROR, vim.log.levels.WARN }
      local text = result.message:match('^ds%-lsp') and result.message or 'ds-lsp: ' .. result.message
      say(text, levels[result.type] or vim.log.levels.INFO, result.message)
    end,
  },
  -- Section "ds-lsp" of workspace/configuration; every key is optional (see the README).
  settings = {
    ['ds-lsp'] = {
      -- debounceMs = 150,
      -- disabledLanguages = { 'markdown' },
    },
  },
})
vim.lsp.enable('ds_lsp')

local has_inline = vim.lsp.inline_completion ~= nil -- Neovim 0.12+

if has_inline then
  vim.lsp.inline_completion.enable()

  vim.keymap.set('i', '<Tab>', function()
    if not vim.lsp.inline_completion.get() then
      return '<Tab>'
    end
  end, { expr = true, desc = 'ds-lsp: accept the inline suggestion' })

  vim.keymap.set('i', '<M-\\>', function()
    -- Ask now, skipping the server's debounce (an "Invoked" request). Neovim 0.12 has no public
    -- function for that yet, so fall back to the automatic request if its internals change.
    local ok = pcall(function()
      local completor = vim.lsp._capability.all.inline_completion.active[vim.api.nvim_get_current_buf()]
      completor:request(vim.lsp.protocol.InlineCompletionTriggerKind.Invoked)
    end)
    if not ok then
      vim.api.nvim_exec_autocmds('CursorMovedI', { buffer = 0, modeline = false })
    end
  end, { desc = 'ds-lsp: ask for an inline suggestion now' })

  vim.keymap.set('i', '<M-]>', function()
    vim.lsp.inline_completion.select({ count = 1 })
  end, { desc = 'ds-lsp: next inline suggestion' })
  vim.keymap.set('i', '<M-[>', function()
    vim.lsp.inline_completion.select({ count = -1 })
  end, { desc = 'ds-lsp: previous inline suggestion' })
end

--- Neovim 0.11: the suggestion as an item of the completion menu, asked on every typed
--- character (not only the server's trigger characters), so suggestions come while typing.
local function completion_menu(client, buf)
  local provider = client.server_capabilities.completionProvider
  if provider then
    local chars = {}
    for byte = 33, 126 do
      chars[#chars + 1] = string.char(byte)
    end
    provider.triggerCharacters = chars
  end
  vim.bo[buf].completeopt = 'menuone,noselect,popup' -- show one item, insert nothing yet
  vim.lsp.completion.enable(true, client.id, buf, { autotrigger = true })
  for _, lhs in ipairs({ '<M-\\>', '<C-Space>' }) do
    vim.keymap.set('i', lhs, vim.lsp.completion.get, {
      buffer = buf,
      desc = 'ds-lsp: ask for suggestions now',
    })
  end
  -- With nothing selected (noselect), <C-y> would only close the menu: take the first item.
  vim.keymap.set('i', '<C-y>', function()
    local nothing_selected = vim.fn.complete_info({ 'selected' }).selected == -1
    return (vim.fn.pumvisible() == 1 and nothing_selected) and '<C-n><C-y>' or '<C-y>'
  end, { buffer = buf, expr = true, desc = 'ds-lsp: accept the suggestion' })
end

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('ds_lsp', { clear = true }),
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= 'ds_lsp' then
      return
    end
    if not key_told and key_missing() then
      key_told = true -- once, at the first attach, instead of at the first keystroke
      say(NO_KEY, vim.log.levels.WARN, NO_KEY_WHOLE)
    end
    if not has_inline then
      completion_menu(client, args.buf)
    end
  end,
})

vim.api.nvim_create_user_command('DsLspMessages', function()
  vim.api.nvim_echo({ { #messages > 0 and table.concat(messages, '\n') or 'ds-lsp: no messages' } }, false, {})
end, { desc = "ds-lsp: the server's messages of this session, whole" })

--- Run ds-lsp.generateCodeBlock; the server inserts the code itself (workspace/applyEdit).
local function generate(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'ds_lsp' })[1]
  if not client then
    vim.notify('ds-lsp is not running for this buffer', vim.log.levels.WARN)
    return
  end
  local arg = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
  if opts.range > 0 then
    local last = vim.api.nvim_buf_get_lines(bufnr, opts.line2 - 1, opts.line2, false)[1] or ''
    arg.range = {
      start = { line = opts.line1 - 1, character = 0 },
      ['end'] = { line = opts.line2 - 1, character = vim.str_utfindex(last, client.offset_encoding) },
    }
  else
    arg.position = vim.lsp.util.make_position_params(0, client.offset_encoding).position
  end
  if opts.args ~= '' then
    arg.instruction = opts.args
  end
  client:exec_cmd({
    title = 'Generate code with DeepSeek',
    command = 'ds-lsp.generateCodeBlock',
    arguments = { arg },
  }, { bufnr = bufnr })
end

vim.api.nvim_create_user_command('DsLspGenerate', generate, {
  nargs = '?',
  range = true,
  desc = 'ds-lsp: generate code from the comment above, the selected lines or an instruction',
})
vim.keymap.set('n', '<leader>dg', '<Cmd>DsLspGenerate<CR>', { desc = 'ds-lsp: generate code' })
vim.keymap.set('x', '<leader>dg', ':DsLspGenerate<CR>', { desc = 'ds-lsp: generate code' })
vim.keymap.set('n', '<leader>di', function()
  vim.ui.input({ prompt = 'DeepSeek, write: ' }, function(text)
    if text and text ~= '' then
      vim.cmd({ cmd = 'DsLspGenerate', args = { text } })
    end
  end)
end, { desc = 'ds-lsp: generate code from an instruction' })

-- ---- Next edit suggestions -------------------------------------------------------------------
-- After an edit pause in normal mode (TextChanged, InsertLeave) ds-lsp predicts the edit you are
-- about to make near the cursor (after renaming a parameter: its other uses) and shows it where
-- it goes: the text it replaces struck through, the new text beside it. In normal mode <Tab>
-- jumps to it and <Tab> again applies it; <Esc> dismisses it (it is not offered again).
-- :DsLspNextEdit asks at once. The server setting `nextEdit = false` turns it off.
local next_edit = {
  ns = vim.api.nvim_create_namespace('ds_lsp.next_edit'),
  pause_ms = 500, -- after the last change; the server waits nextEditDebounceMs more
  shown = {}, -- buffer -> { edit = ..., client_id = ... }
  timers = {}, -- buffer -> uv timer
  pending = {}, -- buffer -> { client_id, request id }
}

local function next_edit_highlights()
  local removed = vim.api.nvim_get_hl(0, { name = 'DiffDelete', link = false })
  removed.strikethrough, removed.default = true, true
  vim.api.nvim_set_hl(0, 'DsLspNextEditRemoved', removed)
  vim.api.nvim_set_hl(0, 'DsLspNextEditAdded', { default = true, link = 'DiffAdd' })
  vim.api.nvim_set_hl(0, 'DsLspNextEditHint', { default = true, link = 'Comment' })
end
next_edit_highlights()

local function next_edit_client(buf)
  return vim.lsp.get_clients({ bufnr = buf, name = 'ds_lsp' })[1]
end

--- (row, byte column) of an LSP position in `buf`.
local function next_edit_pos(buf, pos, encoding)
  local line = vim.api.nvim_buf_get_lines(buf, pos.line, pos.line + 1, false)[1] or ''
  return pos.line, vim.str_byteindex(line, encoding, pos.character, false)
end

local function next_edit_clear(buf)
  if vim.api.nvim_buf_is_valid(buf) then
    vim.api.nvim_buf_clear_namespace(buf, next_edit.ns, 0, -1)
  end
  next_edit.shown[buf] = nil
end

--- Show `edit` in place and tell the server it was shown.
local function next_edit_show(buf, client, edit)
  next_edit_clear(buf)
  local enc = client.offset_encoding
  local srow, scol = next_edit_pos(buf, edit.range.start, enc)
  local erow, ecol = next_edit_pos(buf, edit.range['end'], enc)
  local ns = next_edit.ns
  if srow ~= erow or scol ~= ecol then
    vim.api.nvim_buf_set_extmark(buf, ns, srow, scol, {
      end_row = erow,
      end_col = ecol,
      hl_group = 'DsLspNextEditRemoved',
    })
  end
  local lines = vim.split((edit.text:gsub('\r\n', '\n')), '\n', { plain = true })
  if edit.text ~= '' then
    local opts = { virt_text = { { lines[1], 'DsLspNextEditAdded' } }, virt_text_pos = 'inline' }
    if #lines > 1 then
      opts.virt_lines = {}
      for i = 2, #lines do
        opts.virt_lines[#opts.virt_lines + 1] = { { lines[i], 'DsLspNextEditAdded' } }
      end
    end
    vim.api.nvim_buf_set_extmark(buf, ns, erow, ecol, opts)
  end
  vim.api.nvim_buf_set_extmark(buf, ns, srow, 0, {
    virt_text = { { '  next edit: <Tab> jump/apply, <Esc> dismiss', 'DsLspNextEditHint' } },
    virt_text_pos = 'eol',
  })
  next_edit.shown[buf] = { edit = edit, client_id = client.id }
  client:notify('textDocument/didShowInlineEdit', { item = edit })
end

--- Ask ds-lsp for the next edit at the cursor (`invoked`: at once, without its debounce).
local function next_edit_request(buf, invoked)
  if not vim.api.nvim_buf_is_valid(buf) or buf ~= vim.api.nvim_get_current_buf() then
    return
  end
  local client = next_edit_client(buf)
  if not client then
    return
  end
  local pending = next_edit.pending[buf]
  if pending then
    local old = vim.lsp.get_client_by_id(pending[1])
    if old then
      old:cancel_request(pending[2])
    end
    next_edit.pending[buf] = nil
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local version = vim.lsp.util.buf_versions[buf]
  params.textDocument.version = version
  if invoked then
    params.context = { triggerKind = 1 }
  end
  local ok, id = client:request('textDocument/copilotInlineEdit', params, function(err, result)
    next_edit.pending[buf] = nil
    local edit = not err and result and result.edits and result.edits[1]
    local mode = vim.api.nvim_get_mode().mode
    if edit and vim.lsp.util.buf_versions[buf] == version and mode:sub(1, 1) ~= 'i' then
      next_edit_show(buf, client, edit)
    end
  end, buf)
  if ok and id then
    next_edit.pending[buf] = { client.id, id }
  end
end

local function next_edit_after_pause(buf)
  local timer = next_edit.timers[buf]
  if not timer then
    timer = assert(vim.uv.new_timer())
    next_edit.timers[buf] = timer
  end
  timer:stop()
  timer:start(next_edit.pause_ms, 0, vim.schedule_wrap(function()
    next_edit_request(buf, false)
  end))
end

local function next_edit_stop(buf)
  next_edit_clear(buf)
  if next_edit.timers[buf] then
    next_edit.timers[buf]:stop()
  end
end

--- <Tab>: jump to the shown edit, or apply it when the cursor is on its line already.
local function next_edit_tab(buf)
  local shown = next_edit.shown[buf]
  local client = shown and vim.lsp.get_client_by_id(shown.client_id)
  if not shown or not client then
    return
  end
  local srow, scol = next_edit_pos(buf, shown.edit.range.start, client.offset_encoding)
  if vim.api.nvim_win_get_cursor(0)[1] - 1 ~= srow then
    vim.api.nvim_win_set_cursor(0, { srow + 1, scol })
    return
  end
  next_edit_clear(buf)
  local change = { range = shown.edit.range, newText = shown.edit.text }
  vim.lsp.util.apply_text_edits({ change }, buf, client.offset_encoding)
  if shown.edit.command then
    client:exec_cmd(shown.edit.command, { bufnr = buf })
  end
end

local function next_edit_dismiss(buf)
  local shown = next_edit.shown[buf]
  next_edit_clear(buf)
  local client = shown and vim.lsp.get_client_by_id(shown.client_id)
  if client and shown.edit.command then
    client:exec_cmd({
      title = 'Dismiss next edit',
      command = 'ds-lsp.dismissedNextEdit',
      arguments = shown.edit.command.arguments,
    }, { bufnr = buf })
  end
end

local next_edit_group = vim.api.nvim_create_augroup('ds_lsp_next_edit', { clear = true })
vim.api.nvim_create_autocmd({ 'TextChanged', 'InsertLeave' }, {
  group = next_edit_group,
  callback = function(args)
    if next_edit_client(args.buf) then
      next_edit_clear(args.buf)
      next_edit_after_pause(args.buf)
    end
  end,
})
vim.api.nvim_create_autocmd({ 'InsertEnter', 'TextChangedI', 'BufLeave' }, {
  group = next_edit_group,
  callback = function(args)
    next_edit_stop(args.buf)
  end,
})
vim.api.nvim_create_autocmd('BufWipeout', {
  group = next_edit_group,
  callback = function(args)
    next_edit_stop(args.buf)
    if next_edit.timers[args.buf] then
      next_edit.timers[args.buf]:close()
      next_edit.timers[args.buf] = nil
    end
  end,
})
vim.api.nvim_create_autocmd('ColorScheme', { group = next_edit_group, callback = next_edit_highlights })
vim.api.nvim_create_autocmd('LspAttach', {
  group = next_edit_group,
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= 'ds_lsp' then
      return
    end
    local buf = args.buf
    -- Expression maps: the keys keep their usual meaning while no edit is shown.
    vim.keymap.set('n', '<Tab>', function()
      if not next_edit.shown[buf] then
        return '<Tab>'
      end
      vim.schedule(function()
        next_edit_tab(buf)
      end)
      return ''
    end, { buffer = buf, expr = true, desc = 'ds-lsp: jump to the next edit, then apply it' })
    vim.keymap.set('n', '<Esc>', function()
      if next_edit.shown[buf] then
        vim.schedule(function()
          next_edit_dismiss(buf)
        end)
      end
      return '<Esc>'
    end, { buffer = buf, expr = true, desc = 'ds-lsp: dismiss the next edit' })
  end,
})
vim.api.nvim_create_user_command('DsLspNextEdit', function()
  next_edit_request(vim.api.nvim_get_current_buf(), true)
end, { desc = 'ds-lsp: predict the next edit now' })
