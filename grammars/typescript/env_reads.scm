; The nodes an env read can sit on in TypeScript and JavaScript (with or without JSX). See
; grammars/README.md for the capture-name contract and for why the shapes are checked in code
; (src/lang/shapes.rs), not here. This file compiles for the TypeScript, TSX and JavaScript
; grammars, so it names only node types the three share.
;
; member_expression:    process.env.X, import.meta.env.VITE_X, Bun.env.X, process?.env?.X
; subscript_expression: process.env["X"], process.env[key]
; call_expression:      Deno.env.get("X"); cleanEnv / createEnv / loadEnv; schema.parse(env)
; binary_expression:    "X" in process.env
; variable_declarator:  const { A, B = "d", C: alias } = process.env
; pair:                 build-time constants: 'process.env.X': ..., env: { X: ... }
[
  (member_expression)
  (subscript_expression)
  (call_expression)
  (binary_expression)
  (variable_declarator)
  (pair)
] @site
