/**
 * `npm run dev`: everything a fresh clone needs, then the dev server.
 * 1. .dev.vars from .dev.vars.example if missing (fake local secrets, simulator on, demo seed on);
 * 2. local D1 migrations (idempotent);
 * 3. `vite dev`: the SolidJS app and the Worker together. The demo practice seeds itself on first request.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example (local-only values).");
}

const state = process.env.TEXTDESK_STATE;
run("wrangler", ["d1", "migrations", "apply", "DB", "--local", ...(state ? ["--persist-to", state] : [])], {
  ...process.env,
  CI: "true", // no interactive confirmation prompt
});
run("vite", ["dev", ...process.argv.slice(2)]);
