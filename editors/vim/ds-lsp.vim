" ds-lsp for Vim 9 with coc.nvim (>= 0.0.82): DeepSeek suggestions as you type, and code
" generation. coc.nvim starts the server from the "languageserver" entry of coc-settings.json;
" this file adds the keys and the generate command.
"
" Install coc.nvim (vim-plug: Plug 'neoclide/coc.nvim', {'branch': 'release'}), the server
" (next to a ds-lsp checkout: `pipx install ./ds-lsp`) and your key (`export DEEPSEEK_API_KEY=sk-...`), then
"   cp editors/vim/coc-settings.json ~/.vim/coc-settings.json   (or merge its entry into yours)
"   mkdir -p ~/.vim/plugin && cp editors/vim/ds-lsp.vim ~/.vim/plugin/
"
" What you get:
"   Ghost text   (default) the suggestion shows after the cursor as you type in insert mode.
"                <Tab> accepts it (a plain Tab when none is shown), <C-n>/<C-p> cycle,
"                <C-e> dismisses.
"   Menu items   (with "disabledFeatures": ["inlineCompletion"] in coc-settings.json) the
"                suggestion is an item of coc's completion menu, selected: <C-y> accepts it,
"                <C-n>/<C-p> move.
"   Both         <C-Space> asks right away.
"                :DsLspGenerate [instruction]  writes code for the comment block above the
"                cursor, for the selected lines (:'<,'>DsLspGenerate), or for the instruction.
"                <leader>dg runs it (normal and visual mode); <leader>di types the command for
"                an instruction.
" Keys you have mapped yourself are left alone. If <Tab> is yours, put
"   coc#inline#visible() ? coc#inline#accept() :
" first in your <Tab> mapping: coc's word menu can open beside the ghost text, so accept the
" ghost text before the menu gets the key.

if exists('g:loaded_ds_lsp')
  finish
endif
let g:loaded_ds_lsp = 1

" Map {lhs} in {mode} ({flags}: '<silent>', '<expr>') unless the user already did.
function! s:map(mode, flags, lhs, rhs) abort
  if empty(maparg(a:lhs, a:mode))
    execute a:mode . 'noremap ' . a:flags . ' ' . a:lhs . ' ' . a:rhs
  endif
endfunction

call s:map('i', '<silent><expr>', '<Tab>',
      \ 'coc#inline#visible() ? coc#inline#accept() : "\<Tab>"')
" <C-@> is what Vim receives for Ctrl-Space in a terminal.
call s:map('i', '<silent><expr>', '<C-@>', 'DsLspAskNow()')
call s:map('i', '<silent><expr>', '<C-Space>', 'DsLspAskNow()')
call s:map('n', '<silent>', '<leader>dg', ':DsLspGenerate<CR>')
call s:map('x', '<silent>', '<leader>dg', ':DsLspGenerate<CR>')
call s:map('n', '', '<leader>di', ':DsLspGenerate<Space>')

" Ask for a suggestion now: ghost text when coc does inline completion for this buffer, the
" completion menu otherwise.
function! DsLspAskNow() abort
  return CocHasProvider('inlineCompletion') ? coc#inline#trigger() : coc#refresh()
endfunction

command! -range -nargs=* DsLspGenerate call s:generate(<range>, <line1>, <line2>, <q-args>)

" Run ds-lsp.generateCodeBlock; the server inserts the code itself (workspace/applyEdit).
function! s:generate(range, line1, line2, instruction) abort
  if a:range == 0 && empty(a:instruction)
    " From the comment above the cursor, through the server's code action: coc sends the
    " buffer's pending changes before asking for code actions (it does not before a plain
    " command), so a comment typed a moment ago is seen.
    call CocActionAsync('codeAction', '', 'Generate code with DeepSeek')
    return
  endif
  let arg = {'textDocument': {'uri': s:uri(coc#util#get_fullpath(bufnr('%')))}}
  if a:range > 0
    let arg.range = {
          \ 'start': {'line': a:line1 - 1, 'character': 0},
          \ 'end': {'line': a:line2 - 1,
          \         'character': coc#string#character_length(getline(a:line2))}}
  else
    let [line, character] = coc#cursor#position()
    let arg.position = {'line': line, 'character': character}
  endif
  if !empty(a:instruction)
    let arg.instruction = a:instruction
  endif
  call CocActionAsync('runCommand', 'ds-lsp.generateCodeBlock', arg, function('s:generated'))
endfunction

function! s:generated(error, result) abort
  if !empty(a:error)
    echohl ErrorMsg | echomsg 'ds-lsp: ' . string(a:error) | echohl None
  endif
endfunction

" The file: URI coc.nvim gives the buffer (vscode-uri's encoding of a POSIX path).
function! s:uri(path) abort
  return 'file://' . substitute(a:path, '[^A-Za-z0-9/._~-]', '\=s:percent(submatch(0))', 'g')
endfunction

function! s:percent(char) abort
  return join(map(range(len(a:char)), {_, i -> printf('%%%02X', char2nr(a:char[i]))}), '')
endfunction
