; The nodes an env read can sit on in Python. See grammars/README.md for the capture-name
; contract and for why the shapes are checked in code (src/lang/shapes.rs), not here.
;
; call:                os.getenv("X"), os.environ.get("X", d), getenv("X"), env("X")
; subscript:           os.environ["X"], environ[KEY]
; comparison_operator: "X" in os.environ, "X" not in os.environ
[
  (call)
  (subscript)
  (comparison_operator)
] @site
