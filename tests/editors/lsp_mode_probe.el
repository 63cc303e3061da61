;;; lsp_mode_probe.el --- drive lsp-mode + ds-lsp in batch mode, as a user would  -*- lexical-binding: t; -*-
;; Loaded after editors/emacs/ds-lsp-lsp-mode.el.  Opens DS_TEST_FILE, starts lsp, types
;; "ret" on line 2, shows the inline suggestion (what C-c d i does), accepts it (C-<return>),
;; then runs `ds-lsp-generate' on the last line.  Writes what it saw as JSON to DS_TEST_OUT.

(require 'json)
(require 'cl-lib)

;; What a user answers at lsp-mode's first-start prompts.
(setq lsp-auto-guess-root t
      lsp-enable-suggest-server-download nil
      lsp-warn-no-matched-clients nil
      lsp-log-io t)

(defvar probe-result nil)
(defun probe-put (key value) (setq probe-result (plist-put probe-result key value)))

(defun probe-wait (what pred timeout)
  (let ((deadline (+ (float-time) timeout)) value)
    (while (and (not (setq value (ignore-errors (funcall pred)))) (< (float-time) deadline))
      (accept-process-output nil 0.1)
      (run-hooks 'post-command-hook))
    (or value (error "Timed out after %ss waiting for %s" timeout what))))

(defun probe-line (n)
  (save-excursion
    (goto-char (point-min)) (forward-line (1- n))
    (buffer-substring-no-properties (line-beginning-position) (line-end-position))))

(defun probe-get (obj key)
  (if (hash-table-p obj) (gethash key obj) (plist-get obj (intern (concat ":" key)))))

(defun probe-ghost ()
  "The suggestion overlay's text as drawn: its display string then its after-string."
  (when (overlayp lsp-inline-completion--overlay)
    (concat (or (overlay-get lsp-inline-completion--overlay 'display) "")
            (or (overlay-get lsp-inline-completion--overlay 'after-string) ""))))

(defun probe-log ()
  (let ((buf (cl-find-if (lambda (b) (string-match-p "lsp-log\\|ds-lsp.*::stderr\\|lsp-io"
                                                     (buffer-name b)))
                         (buffer-list)))
        (out ""))
    (dolist (b (buffer-list))
      (when (string-match-p "lsp-log\\|ds-lsp" (buffer-name b))
        (with-current-buffer b
          (setq out (concat out "=== " (buffer-name b) "\n"
                            (buffer-substring-no-properties
                             (max (point-min) (- (point-max) 4000)) (point-max)))))))
    (ignore buf)
    out))

(condition-case err
    (progn
      (probe-put :lsp-mode-dir (file-name-nondirectory
                                (directory-file-name (file-name-directory (locate-library "lsp-mode")))))
      (find-file (getenv "DS_TEST_FILE"))
      (lsp)
      (probe-wait "ds-lsp to initialize"
                  (lambda () (eq (lsp--workspace-status (ds-lsp--workspace)) 'initialized))
                  60)
      (probe-put :servers (vconcat (mapcar (lambda (ws) (symbol-name (lsp--client-server-id
                                                                      (lsp--workspace-client ws))))
                                           (lsp-workspaces))))
      (probe-put :inline-mode (if (bound-and-true-p lsp-inline-completion-mode) t :json-false))
      (goto-char (point-min)) (forward-line 1) (end-of-line)
      (insert (getenv "DS_TEST_TYPED"))
      (run-hooks 'post-command-hook)
      (let ((want (getenv "DS_TEST_GHOST")))
        (probe-wait "the inline suggestion overlay"
                    (lambda ()
                      (unless (and (probe-ghost) (string-match-p (regexp-quote want) (probe-ghost)))
                        (lsp-inline-completion-display))
                      (and (probe-ghost) (string-match-p (regexp-quote want) (probe-ghost))))
                    60))
      (probe-put :ghost (probe-ghost))
      (probe-put :line2-before-accept (probe-line 2))
      (lsp-inline-completion-accept)
      (probe-put :line2 (probe-line 2))
      (probe-put :overlay-after-accept (if (overlayp lsp-inline-completion--overlay) t :json-false))
      (goto-char (point-max))
      (let ((answer (ds-lsp-generate (getenv "DS_TEST_INSTRUCTION"))))
        (probe-put :generate-applied (if (eq (probe-get answer "applied") t) t :json-false))
        (probe-put :generate-text (probe-get answer "text")))
      (probe-wait "the generated code in the buffer"
                  (lambda () (string-match-p "def mul" (buffer-string))) 30)
      (probe-put :buffer (buffer-substring-no-properties (point-min) (point-max))))
  (error (probe-put :error (error-message-string err))))

(probe-put :events (probe-log))
(with-temp-file (getenv "DS_TEST_OUT")
  (insert (json-encode probe-result)))
(kill-emacs 0)
