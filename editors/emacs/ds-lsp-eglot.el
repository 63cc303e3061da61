;;; ds-lsp-eglot.el --- DeepSeek completions in Emacs through eglot  -*- lexical-binding: t; -*-

;; Install the server (next to a ds-lsp checkout: `pipx install ./ds-lsp'), put your key in the environment
;; (`export DEEPSEEK_API_KEY=sk-...', or (setenv "DEEPSEEK_API_KEY" "sk-...") in init.el),
;; then add to init.el:
;;
;;   (load "/path/to/ds-lsp-eglot.el")
;;
;; Works with eglot 1.9+ (Emacs 28 with the elpa-eglot package, Emacs 29+ built in).
;;
;; Completion: eglot has no inline (ghost-text) completion; ds-lsp's suggestion comes as a
;;   completion candidate.  Type, then M-TAB / C-M-i (`completion-at-point'), or get it
;;   automatically with corfu (`corfu-auto') or company.
;; Generate:   C-c d g (M-x ds-lsp-generate) writes code for the comment block above point,
;;   or for the active region; with C-u it asks for an instruction.  ds-lsp inserts it.
;;
;; Eglot runs one server per buffer, so in `ds-lsp-eglot-modes' ds-lsp takes the place of the
;; language's own server.  For both at once use lsp-mode (ds-lsp-lsp-mode.el).
;;
;; Environment read here: DS_LSP_CMD, the server command line (default "ds-lsp"), e.g.
;; DS_LSP_CMD="python3 -m ds_lsp --log-file /tmp/ds-lsp.log".
;; Logs: the server's with --log-file as above; eglot's own: M-x eglot-events-buffer.

;;; Code:

(require 'eglot)
(require 'jsonrpc)
(require 'subr-x)

(defvar ds-lsp-command
  (let ((cmd (getenv "DS_LSP_CMD")))
    (if (and cmd (not (string-empty-p cmd))) (split-string-and-unquote cmd) '("ds-lsp")))
  "Command line that starts ds-lsp.")

(defvar ds-lsp-eglot-modes
  '(python-mode python-ts-mode js-mode js-ts-mode typescript-mode typescript-ts-mode
    tsx-ts-mode c-mode c-ts-mode c++-mode c++-ts-mode go-mode go-ts-mode rust-mode
    rust-ts-mode java-mode java-ts-mode ruby-mode ruby-ts-mode sh-mode bash-ts-mode lua-mode)
  "Major modes in which eglot starts ds-lsp.")

(defvar ds-lsp-initialization-options nil
  "Settings sent as initializationOptions, a plist such as (:apiKey \"sk-...\").
Where the key goes (apiKey, baseUrl, backend...) is read only from here or the environment,
never from `eglot-workspace-configuration', which a cloned repository's .dir-locals.el can set.")

(add-to-list 'eglot-server-programs
             (cons ds-lsp-eglot-modes
                   (lambda (&optional _interactive)
                     (append ds-lsp-command
                             (list :initializationOptions
                                   (or ds-lsp-initialization-options
                                       (make-hash-table)))))))

(dolist (mode ds-lsp-eglot-modes)
  (add-hook (intern (format "%s-hook" mode)) #'eglot-ensure))

;; Settings, section "ds-lsp" (all optional; see the README).  Merge into your own
;; `eglot-workspace-configuration' if you have one.
(unless (default-value 'eglot-workspace-configuration)
  (setq-default eglot-workspace-configuration
                '(:ds-lsp (:debounceMs 100))))

(defun ds-lsp-generate (&optional instruction)
  "Ask ds-lsp to write code at point, for the region, or for INSTRUCTION.
Without INSTRUCTION ds-lsp uses the selected text, else the comment block above point.
Returns the server's answer, a plist with :applied and :text."
  (interactive (list (and current-prefix-arg (read-string "DeepSeek, write: "))))
  (let* ((server (eglot--current-server-or-lose))
         (where (if (use-region-p)
                    (list :range (list :start (eglot--pos-to-lsp-position (region-beginning))
                                       :end (eglot--pos-to-lsp-position (region-end))))
                  (list :position (eglot--pos-to-lsp-position))))
         (arg (append (list :textDocument (eglot--TextDocumentIdentifier))
                      where
                      (and instruction (not (string-empty-p instruction))
                           (list :instruction instruction))))
         ;; The server inserts the code with workspace/applyEdit: no confirmation prompt.
         (eglot-confirm-server-initiated-edits nil))
    (eglot--signal-textDocument/didChange)
    (let ((result (jsonrpc-request server :workspace/executeCommand
                                   (list :command "ds-lsp.generateCodeBlock"
                                         :arguments (vector arg))
                                   :timeout 180)))
      (unless (eq (plist-get result :applied) t)
        (message "ds-lsp: no code was inserted"))
      result)))

(define-key eglot-mode-map (kbd "C-c d g") #'ds-lsp-generate)

(provide 'ds-lsp-eglot)
;;; ds-lsp-eglot.el ends here
