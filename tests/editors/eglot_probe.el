;;; eglot_probe.el --- drive eglot + ds-lsp in batch mode, as a user would  -*- lexical-binding: t; -*-
;; Loaded after editors/emacs/ds-lsp-eglot.el.  Opens DS_TEST_FILE, types "ret" on line 2,
;; asks `completion-at-point' for candidates, accepts the suggestion, then runs
;; `ds-lsp-generate' on the last line.  Writes what it saw as JSON to DS_TEST_OUT.

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

(defun probe-candidates ()
  (let ((capf (eglot-completion-at-point)))
    (when capf
      (all-completions (buffer-substring-no-properties (nth 0 capf) (nth 1 capf))
                       (nth 2 capf)))))

(defun probe-line (n)
  (save-excursion
    (goto-char (point-min)) (forward-line (1- n))
    (buffer-substring-no-properties (line-beginning-position) (line-end-position))))

(defun probe-events ()
  (let ((buf (cl-find-if (lambda (b) (string-match-p "EGLOT.*events" (buffer-name b)))
                         (buffer-list))))
    (if buf (with-current-buffer buf
              (buffer-substring-no-properties (max (point-min) (- (point-max) 6000)) (point-max)))
      "(no eglot events buffer)")))

(condition-case err
    (progn
      (find-file (getenv "DS_TEST_FILE"))
      (run-hooks 'post-command-hook)         ; eglot-ensure connects from here
      (probe-wait "eglot to connect" (lambda () (eglot-current-server)) 60)
      (probe-put :server (plist-get (eglot--server-info (eglot-current-server)) :name))
      (goto-char (point-min)) (forward-line 1) (end-of-line)
      (insert (getenv "DS_TEST_TYPED"))
      (run-hooks 'post-command-hook)
      (let ((want (getenv "DS_TEST_WANT")) candidates)
        (probe-wait "the suggestion among the candidates"
                    (lambda ()
                      (setq candidates (probe-candidates))
                      (member want candidates))
                    60)
        (probe-put :candidates (vconcat candidates)))
      ;; Accept: with one candidate, completion-at-point inserts it and runs eglot's
      ;; exit function (which applies the item's textEdit).
      (let ((completion-cycle-threshold nil)) (completion-at-point))
      (run-hooks 'post-command-hook)
      (probe-put :line2 (probe-line 2))
      ;; Generate code on the last (empty) line.
      (goto-char (point-max))
      (let ((answer (ds-lsp-generate (getenv "DS_TEST_INSTRUCTION"))))
        (probe-put :generate-applied (if (eq (plist-get answer :applied) t) t :json-false))
        (probe-put :generate-text (plist-get answer :text)))
      (probe-put :buffer (buffer-substring-no-properties (point-min) (point-max))))
  (error (probe-put :error (error-message-string err))))

(probe-put :events (probe-events))
(with-temp-file (getenv "DS_TEST_OUT")
  (insert (json-encode probe-result)))
(kill-emacs 0)
