import { execFileSync } from 'node:child_process';

/**
 * `npx projen start` runs npm, which runs `sh -c projen`, which runs the server: a SIGTERM sent to
 * npx reaches npm and sh only (sh does not pass it on, projen forwards no signal), and the server
 * would run on, orphaned. So a locally started server (`--stop-with-launcher`) watches the processes
 * that launched it (its ancestors, listed once by `ps`) and calls `onGone` when one of them has
 * exited. The web service's start.cjs does the same.
 */
export function watchLaunchers(onGone: () => void, intervalMs = 500): void {
  const parentOf = new Map<number, number>();
  try {
    for (const line of execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' }).trim().split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      parentOf.set(pid, ppid);
    }
  } catch {
    // no ps: the direct parent only
  }
  const launchers: number[] = [];
  for (let pid = process.ppid; pid > 1 && !launchers.includes(pid); pid = parentOf.get(pid) ?? 0) launchers.push(pid);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  const timer = setInterval(() => {
    if (process.ppid !== launchers[0] || !launchers.every(alive)) {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  timer.unref();
}
