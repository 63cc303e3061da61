" ds-lsp for Vim with ALE (3.x): DeepSeek suggestions in Vim's completion menu.
"
" Install ALE (Debian/Ubuntu: `apt install vim-ale`, then `packadd! ale` in your vimrc; or your
" plugin manager), the server (next to a ds-lsp checkout: `pipx install ./ds-lsp`) and your key
" (`export DEEPSEEK_API_KEY=sk-...`), then
"   mkdir -p ~/.vim/plugin && cp editors/vim/ds-lsp-ale.vim ~/.vim/plugin/
"
" What you get:
"   Suggestions  as you type in insert mode, ALE asks ds-lsp and shows the suggestion in Vim's
"                completion menu: <C-n> selects it, <C-y> accepts, <C-e> closes the menu;
"                <C-Space> asks right away.
"                ALE inserts only the text before an item's first "(": a suggestion
"                `foo(a, b)` arrives as `foo`. For whole suggestions, and ghost text, use
"                coc.nvim (editors/vim/ds-lsp.vim).
"   Generate     put the cursor on the line below a comment saying what to write (or select
"                lines), then <leader>dg (= :ALECodeAction) and pick "Generate code with
"                DeepSeek" by its number. ALE cannot pass an instruction of your own.
"
" ALE runs only some linters for some filetypes (its defaults, e.g. for Python, or your
" g:ale_linters): this file adds ds-lsp to the linters ALE would run in each buffer of the
" filetypes below (b:ale_linters), keeping the others.

if exists('g:loaded_ds_lsp_ale')
  finish
endif
let g:loaded_ds_lsp_ale = 1
if empty(globpath(&runtimepath, 'autoload/ale/linter.vim'))
  echomsg 'ds-lsp-ale.vim: ALE is not loaded (Debian''s vim-ale: put packadd! ale in your vimrc)'
  finish
endif

let s:filetypes = ['python', 'javascript', 'typescript', 'c', 'cpp', 'go', 'rust', 'java',
      \ 'ruby', 'sh', 'lua']

" The folder holding .git, else the file's folder: ALE starts no server without a root.
function! s:root(buffer) abort
  let l:git = ale#path#FindNearestDirectory(a:buffer, '.git')
  return empty(l:git) ? fnamemodify(bufname(a:buffer), ':p:h') : fnamemodify(l:git, ':h:h')
endfunction

for s:filetype in s:filetypes
  call ale#linter#Define(s:filetype, {
        \ 'name': 'ds-lsp',
        \ 'lsp': 'stdio',
        \ 'executable': 'ds-lsp',
        \ 'command': '%e',
        \ 'project_root': function('s:root'),
        \ 'initialization_options': {
        "\   'apiKey': 'sk-...',   better: the DEEPSEEK_API_KEY environment variable
        \ },
        \ 'lsp_config': {'ds-lsp': {
        "\   'debounceMs': 150,    every key is optional, see the README
        \ }},
        \ })
endfor

function! s:enable() abort
  let l:names = map(ale#linter#Get(&filetype), 'v:val.name')
  if index(l:names, 'ds-lsp') < 0
    let b:ale_linters = l:names + ['ds-lsp']
  endif
endfunction

augroup ds_lsp_ale
  autocmd!
  execute 'autocmd FileType' join(s:filetypes, ',') 'call s:enable()'
augroup END

" Map {lhs} in {mode} unless the user already did.
function! s:map(mode, lhs, rhs) abort
  if empty(maparg(a:lhs, a:mode))
    execute a:mode . 'map ' . a:lhs . ' ' . a:rhs
  endif
endfunction

" <C-@> is what Vim receives for Ctrl-Space in a terminal.
call s:map('i', '<C-@>', '<Plug>(ale_complete)')
call s:map('i', '<C-Space>', '<Plug>(ale_complete)')
call s:map('n', '<leader>dg', ':ALECodeAction<CR>')
call s:map('x', '<leader>dg', ':ALECodeAction<CR>')

" Ask for completions as you type (the same as g:ale_completion_enabled = 1 before ALE loads).
call ale#completion#Enable()
