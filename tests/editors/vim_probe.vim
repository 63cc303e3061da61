" What the Vim window shows, for tests/editors/test_vim.py: every 100 ms the mode, the buffer
" lines, the cursor, ghost text (virtual-text properties), the completion menu (coc.nvim's
" popup or Vim's own) and the last messages go, as JSON, into the file named by $DS_VIM_STATE.
" Loaded with `vim -S vim_probe.vim` (after the vimrc and plugins); it changes nothing in the
" editor.

let s:out = $DS_VIM_STATE

" Virtual text (ghost text) in the window: Vim 9.0's prop_list() tells where it is (negative
" ids) but not what it says, so its text is read off the screen after the buffer text.
function! s:ghost() abort
  let l:found = []
  for l:lnum in range(line('w0'), line('w$'))
    for l:prop in prop_list(l:lnum)
      let l:pos = screenpos(win_getid(), l:lnum, 1)
      if l:prop.id >= 0 || l:pos.row == 0
        continue
      endif
      let l:start = l:pos.col - 1 + strdisplaywidth(strpart(getline(l:lnum), 0, l:prop.col - 1))
      let l:cells = map(range(1, &columns), {_, c -> screenstring(l:pos.row, c)})
      let l:text = substitute(join(l:cells[l:start :], ''), '\s\+$', '', '')
      call add(l:found, {'lnum': l:lnum, 'col': l:prop.col, 'text': l:text})
    endfor
  endfor
  return l:found
endfunction

function! s:menu() abort
  if exists('*coc#pum#visible') && coc#pum#visible()
    let l:info = coc#pum#info()
    return {'visible': v:true, 'selected': l:info.index,
          \ 'items': getbufline(winbufnr(coc#pum#winid()), 1, '$')}
  endif
  if pumvisible()
    let l:info = complete_info(['items', 'selected'])
    return {'visible': v:true, 'selected': l:info.selected,
          \ 'items': map(l:info.items, 'v:val.word')}
  endif
  return {'visible': v:false, 'selected': -1, 'items': []}
endfunction

function! s:write(timer) abort
  try
    let l:state = {
          \ 'mode': mode(),
          \ 'lines': getline(1, '$'),
          \ 'cursor': [line('.'), col('.')],
          \ 'ghost': s:ghost(),
          \ 'menu': s:menu(),
          \ 'coc_ready': get(g:, 'coc_service_initialized', 0),
          \ 'messages': split(execute('messages'), "\n")[-8:],
          \ }
  catch
    let l:state = {'error': v:exception}
  endtry
  call writefile([json_encode(l:state)], s:out . '.tmp')
  call rename(s:out . '.tmp', s:out)
endfunction

call timer_start(100, function('s:write'), {'repeat': -1})
