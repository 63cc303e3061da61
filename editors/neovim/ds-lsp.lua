-- ds-lsp for Neovim >= 0.11: DeepSeek code completion through the built-in LSP client.
--
-- Install the server (`pipx install git+https://github.com/ds-lsp/ds-lsp`), put your key in
-- the environment (`export DEEPSEEK_API_KEY=sk-...`), then either
--   * copy this file: mkdir -p ~/.config/nvim/plugin && cp ds-lsp.lua ~/.config/nvim/plugin/
--     (Neovim loads it at startup), or
--   * try it alone: `nvim -u ds-lsp.lua some_file.py`.
--
-- What you get:
--   Neovim 0.12+  ghost text while you type (native inline completion).
--                 <Tab> accepts, <M-\> asks now, <M-]> / <M-[> cycle through suggestions.
--   Neovim 0.11   suggestions in the completion menu as you type.
--                 <C-y> accepts the selected item, <M-\> (or <C-Space>) asks now.
--   Both          :DsLspGenerate [instruction]  writes code for the comment block above the
--                 cursor, for the selected lines (:'<,'>DsLspGenerate), or for the instruction.
--                 <leader>dg runs it (normal and visual mode); <leader>di asks for an
--                 instruction first. It is also offered as the code action
--                 "Generate code with DeepSeek" (`gra`).
--
-- Environment read by this file (all optional):
--   DS_LSP_CMD   the server command line, split on spaces (default: "ds-lsp"),
--                e.g. DS_LSP_CMD="python3 -m ds_lsp --log-file /tmp/ds-lsp.log"
-- The server itself reads DEEPSEEK_API_KEY, DEEPSEEK_BASE_URL and DEEPSEEK_MODEL.
-- The server's log: start it with DS_LSP_CMD="ds-lsp --log-file /tmp/ds-lsp.log"; Neovim's own
-- LSP log is :LspLog (0.12: :lsp log).

local cmd = { 'ds-lsp' }
if vim.env.DS_LSP_CMD and vim.env.DS_LSP_CMD ~= '' then
  cmd = vim.split(vim.env.DS_LSP_CMD, '%s+', { trimempty = true })
end
if vim.fn.executable(cmd[1]) == 0 then
  -- Neovim would otherwise fail silently (only :checkhealth vim.lsp tells)
  vim.notify_once(
    ("ds-lsp: '%s' is not executable. Install it (pipx install git+https://github.com/ds-lsp/ds-lsp) "
      .. 'or point DS_LSP_CMD at it.'):format(cmd[1]),
    vim.log.levels.WARN
  )
end

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
  init_options = {
    -- apiKey = 'sk-...',  -- better: the DEEPSEEK_API_KEY environment variable
    -- baseUrl = 'https://api.deepseek.com/beta',
    -- model = 'deepseek-flash',  -- like maxTokens and the budgets: yours alone, so here
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

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('ds_lsp', { clear = true }),
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= 'ds_lsp' or has_inline then
      return
    end
    -- Neovim 0.11: completion menu. Ask on every typed character, not only the server's
    -- trigger characters, so suggestions come while typing words.
    local provider = client.server_capabilities.completionProvider
    if provider then
      local chars = {}
      for byte = 33, 126 do
        chars[#chars + 1] = string.char(byte)
      end
      provider.triggerCharacters = chars
    end
    vim.bo[args.buf].completeopt = 'menuone,noselect,popup' -- show one item, insert nothing yet
    vim.lsp.completion.enable(true, client.id, args.buf, { autotrigger = true })
    for _, lhs in ipairs({ '<M-\\>', '<C-Space>' }) do
      vim.keymap.set('i', lhs, vim.lsp.completion.get, {
        buffer = args.buf,
        desc = 'ds-lsp: ask for suggestions now',
      })
    end
  end,
})

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
