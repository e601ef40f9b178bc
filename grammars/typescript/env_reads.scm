; Env-read shapes in TypeScript and JavaScript (with or without JSX). See grammars/README.md for
; the capture-name contract. This file compiles for the TypeScript, TSX and JavaScript grammars,
; so it names only node types the three share; TypeScript-only wrappers such as `x!` are handled
; by the extractor (src/extract/typescript.rs), which also checks that the object really is an
; env object (`process.env`, `import.meta.env`, `Bun.env`, ...).

; process.env.X, import.meta.env.VITE_X, Bun.env.X, process?.env?.X
(member_expression
  object: (_) @object
  property: (property_identifier) @key
  (#match? @object "env$")) @read.member

; process.env["X"], process.env[key]
(subscript_expression
  object: (_) @object
  index: (_) @key
  (#match? @object "env$")) @read.subscript

; Deno.env.get("X"), Deno.env.has("X")
(call_expression
  function: (member_expression
    object: (_) @object
    property: (property_identifier) @method
    (#match? @object "env$")) @callee
  arguments: (arguments) @args) @read.call

; "X" in process.env
(binary_expression
  left: (_) @key
  operator: "in"
  right: (_) @object
  (#match? @object "env$")) @read.presence

; const { A, B = "d", C: alias } = process.env
(variable_declarator
  name: (object_pattern) @pattern
  value: (_) @object
  (#match? @object "env$")) @read.destructure
