/**
 * CPU time of the processes a bench server runs (Linux /proc), so a figure can say where the time went:
 * the ProxyWorker workerd, the user workerd (the Worker, D1, the Durable Object) or wrangler's Node.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Every descendant of `root`, with its command name. */
export function descendants(root: number): { pid: number; comm: string }[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: { pid: number; comm: string }[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      let comm = "?";
      try {
        comm = readFileSync(`/proc/${c}/comm`, "utf8").trim();
      } catch {
        // Gone.
      }
      out.push({ pid: c, comm });
      walk(c);
    }
  };
  walk(root);
  return out;
}

/** User + system CPU milliseconds of each pid so far (clock ticks are 100 Hz on Linux). */
export function cpuMs(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      out.set(pid, 0);
    }
  }
  return out;
}
