; Env-read shapes in Python. See grammars/README.md for the capture-name contract.
;
; The query finds the shapes; the extractor (src/extract/python.rs) decides whether the object or
; callee really is `os.environ` / `os.getenv` after following the file's imports and aliases
; (`from os import environ as env`, `import os as _os`), and classifies the read.

; os.getenv("X"), os.environ.get("X", d), os.environ.setdefault("X", d), getenv("X")
(call
  function: [(identifier) (attribute)] @callee
  arguments: (argument_list) @args) @read.call

; os.environ["X"], environ[KEY]
(subscript
  value: [(identifier) (attribute)] @object
  subscript: (_) @key) @read.subscript

; "X" in os.environ, "X" not in os.environ
(comparison_operator
  (_) @key
  operators: ["in" "not in"]
  (_) @object) @read.presence
