; Env-read shapes in TypeScript and JavaScript (with or without JSX). See grammars/README.md for
; the capture-name contract. This file compiles for the TypeScript, TSX and JavaScript grammars,
; so it names only node types the three share; TypeScript-only wrappers such as `x!` are handled
; by the extractor (src/extract/script.rs), which also checks that the object really is an
; env object (`process.env`, `import.meta.env`, `Bun.env`, ...) or a module-level alias of one
; whose name ends in `env` or `Env` (`const env = process.env`, `const rawEnv = import.meta.env`).

; process.env.X, import.meta.env.VITE_X, Bun.env.X, process?.env?.X
(member_expression
  object: (_) @object
  property: (property_identifier) @key
  (#match? @object "[eE]nv$")) @read.member

; process.env["X"], process.env[key]
(subscript_expression
  object: (_) @object
  index: (_) @key
  (#match? @object "[eE]nv$")) @read.subscript

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
  (#match? @object "[eE]nv$")) @read.presence

; const { A, B = "d", C: alias } = process.env
(variable_declarator
  name: (object_pattern) @pattern
  value: (_) @object
  (#match? @object "[eE]nv$")) @read.destructure

; Framework entry points: envalid `cleanEnv(process.env, {...})` (also `envalid.cleanEnv`,
; `customCleanEnv`), t3-env `createEnv({ server, client, runtimeEnv })`, Vite
; `loadEnv(mode, root, "")`. The extractor (src/extract/script_frameworks.rs) checks the imports
; and the shape of the arguments.
(call_expression
  function: [(identifier) (member_expression)] @callee
  arguments: (arguments) @args
  (#match? @callee "(^|[.])(cleanEnv|customCleanEnv|createEnv|loadEnv)$")) @read.framework

; A schema validating the whole env object: `z.object({...}).parse(process.env)`,
; `schema.safeParse(import.meta.env)`
(call_expression
  function: (member_expression
    object: (_) @schema
    property: (property_identifier) @method
    (#match? @method "^(parse|safeParse|parseAsync|safeParseAsync)$"))
  arguments: (arguments
    .
    (_) @object
    (#match? @object "env$"))) @read.schema

; Build-time constants: a `define` entry `'process.env.X': ...` / `'import.meta.env.X': ...` (Vite
; `define`, webpack `DefinePlugin`), a `'process.env': { X: ... }` entry, and the `env: { X: ...
; }` of a next.config (src/model.rs keeps that one only in next.config files).
(pair
  key: [(string) (property_identifier)] @key
  value: (_) @value
  (#match? @key "^(env|[\"'](process|import\\.meta)\\.env(\\.[A-Za-z_][A-Za-z0-9_]*)?[\"'])$")) @read.define
