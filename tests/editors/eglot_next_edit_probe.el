;;; eglot_next_edit_probe.el --- a next edit through eglot's code actions, as a user would  -*- lexical-binding: t; -*-
;; Loaded after editors/emacs/ds-lsp-eglot.el.  Opens DS_TEST_FILE, renames the word
;; DS_TEST_OLD on line 1 to DS_TEST_NEW, moves to line 2 and runs `eglot-code-actions'
;; interactively, picking its default (the preferred action: ds-lsp's predicted edit).
;; Writes the titles it was offered and the buffer as JSON to DS_TEST_OUT.

(require 'json)
(require 'cl-lib)

(defvar probe-result nil)
(defun probe-put (key value) (setq probe-result (plist-put probe-result key value)))

(defun probe-wait (what pred timeout)
  "Process events until PRED is non-nil or TIMEOUT seconds pass; error naming WHAT."
  (let ((deadline (+ (float-time) timeout)) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.1)
      (run-hooks 'post-command-hook))
    (or value (error "Timed out after %ss waiting for %s" timeout what))))

(condition-case err
    (progn
      (find-file (getenv "DS_TEST_FILE"))
      (run-hooks 'post-command-hook)
      (probe-wait "eglot to connect" (lambda () (eglot-current-server)) 60)
      (goto-char (point-min))
      (search-forward (getenv "DS_TEST_OLD"))
      (replace-match (getenv "DS_TEST_NEW") t t)
      (run-hooks 'post-command-hook)
      (goto-char (point-min)) (forward-line 1)
      (let* ((offered nil)
             (last-nonmenu-event ?\r)   ; a key, not a mouse click: eglot asks in the minibuffer
             (completing-read-function
              (lambda (_prompt collection &rest _)
                (setq offered (mapcar #'car collection))
                (car (cl-remove-if-not
                      (lambda (title) (string-prefix-p "Apply predicted edit" title))
                      offered)))))
        (eglot-code-actions (point) (point) nil t)
        (probe-put :offered (vconcat offered)))
      (probe-put :buffer (buffer-substring-no-properties (point-min) (point-max))))
  (error (probe-put :error (error-message-string err))))

(with-temp-file (getenv "DS_TEST_OUT")
  (insert (json-encode probe-result)))
(kill-emacs 0)
