import { cleanEnv, str, num } from "envalid";
import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";
import { loadEnv } from "vite";

const KEY = "K" + "EY";
export const a = process.env.A ?? "d";
export const b = process.env["B"]!;
const { C, D = "x" } = process.env;
const e = import.meta.env.VITE_E;
const base = { F: str() };
export const env = cleanEnv(process.env, { ...base, G: num({ default: 3 }) });
const schema = z.object({ H: z.string().optional(), I: z.string().default("i") });
schema.parse(process.env);
export const t3 = createEnv({ server: { J: z.string() }, runtimeEnv: { J: process.env.J } });
const v = loadEnv("mode", process.cwd(), "");
v.K;
if (!process.env.L) throw new Error("L");
Deno.env.get(KEY);
