;;; ds-lsp-lsp-mode.el --- DeepSeek completions in Emacs through lsp-mode  -*- lexical-binding: t; -*-

;; Install the server (next to a ds-lsp checkout: `pipx install ./ds-lsp'), put your key in the environment
;; (`export DEEPSEEK_API_KEY=sk-...', or (setenv "DEEPSEEK_API_KEY" "sk-...") in init.el),
;; then add to init.el, after lsp-mode is installed:
;;
;;   (load "/path/to/ds-lsp-lsp-mode.el")
;;
;; ds-lsp runs as an add-on server: next to the language's own server, in every
;; `prog-mode' buffer where you start lsp-mode (M-x lsp, or `lsp-deferred' in a mode hook).
;;
;; lsp-mode 10+: ghost text (`lsp-inline-completion-mode') shows the suggestion when you pause
;;   typing; C-<return> accepts, C-n / C-p cycle, C-g dismisses, C-c d i asks now.
;; older lsp-mode: the suggestion comes through completion-at-point / company.
;; Generate: C-c d g (M-x ds-lsp-generate) writes code for the comment block above point, or
;;   for the active region; with C-u it asks for an instruction.  ds-lsp inserts it.
;;
;; Environment read here: DS_LSP_CMD, the server command line (default "ds-lsp"), e.g.
;; DS_LSP_CMD="python3 -m ds_lsp --log-file /tmp/ds-lsp.log".  lsp-mode's own log: *lsp-log*
;; (M-x lsp-workspace-show-log).

;;; Code:

(require 'subr-x)
(require 'lsp-mode)
(require 'lsp-completion)
(require 'lsp-inline-completion nil t)   ; lsp-mode >= 10

(defvar ds-lsp-command
  (let ((cmd (getenv "DS_LSP_CMD")))
    (if (and cmd (not (string-empty-p cmd))) (split-string-and-unquote cmd) '("ds-lsp")))
  "Command line that starts ds-lsp.")

(defvar ds-lsp-initialization-options nil
  "Settings sent as initializationOptions, a plist such as (:apiKey \"sk-...\").
Where the key goes (apiKey, baseUrl, backend...) is read only from here or the environment,
never from workspace settings (`lsp-register-custom-settings', .dir-locals.el).")

(defvar ds-lsp-lsp-mode-modes '(prog-mode)
  "ds-lsp starts in buffers whose major mode derives from one of these.")

;; Settings, section "ds-lsp" (all optional; see the README).  With inline completion the
;; completion-menu copy of the same suggestion would be a duplicate, so it is turned off.
(lsp-register-custom-settings
 `(("ds-lsp.debounceMs" 100)
   ("ds-lsp.completionItems" ,(if (featurep 'lsp-inline-completion) "never" "auto"))))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection (lambda () ds-lsp-command))
  :activation-fn (lambda (&rest _) (apply #'derived-mode-p ds-lsp-lsp-mode-modes))
  :add-on? t
  :priority -2
  :server-id 'ds-lsp
  :initialization-options (lambda () (or ds-lsp-initialization-options (make-hash-table)))
  :initialized-fn (lambda (workspace)
                    (with-lsp-workspace workspace
                      (lsp--set-configuration (lsp-configuration-section "ds-lsp"))))))

(when (featurep 'lsp-inline-completion)
  (setq lsp-inline-completion-idle-delay 0.5))   ; default 2 s

(defun ds-lsp--workspace ()
  (or (seq-find (lambda (ws) (eq (lsp--client-server-id (lsp--workspace-client ws)) 'ds-lsp))
                (lsp-workspaces))
      (user-error "ds-lsp is not running for this buffer")))

(defun ds-lsp-generate (&optional instruction)
  "Ask ds-lsp to write code at point, for the region, or for INSTRUCTION.
Without INSTRUCTION ds-lsp uses the selected text, else the comment block above point.
Returns the server's answer, a hash table or plist with applied and text."
  (interactive (list (and current-prefix-arg (read-string "DeepSeek, write: "))))
  (let* ((workspace (ds-lsp--workspace))
         (where (if (use-region-p)
                    (list :range (lsp--region-to-range (region-beginning) (region-end)))
                  (list :position (lsp--cur-position))))
         (arg (append (list :textDocument (lsp--text-document-identifier))
                      where
                      (and instruction (not (string-empty-p instruction))
                           (list :instruction instruction))))
         (lsp-response-timeout 180))
    (with-lsp-workspace workspace
      (lsp-request "workspace/executeCommand"
                   (list :command "ds-lsp.generateCodeBlock" :arguments (vector arg))))))

(define-key lsp-mode-map (kbd "C-c d g") #'ds-lsp-generate)
(when (fboundp 'lsp-inline-completion-display)
  (define-key lsp-mode-map (kbd "C-c d i") #'lsp-inline-completion-display))

(provide 'ds-lsp-lsp-mode)
;;; ds-lsp-lsp-mode.el ends here
