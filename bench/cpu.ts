/**
 * CPU time of a benchmark run, split between this Node process and the PostgreSQL server,
 * for benchmarks whose question is "how close to what this machine can do": a run that
 * keeps every core busy cannot finish faster than its CPU time ÷ cores.
 *
 * The server's CPU is read from Linux's `/proc` (`proc(5)`: `utime`, `stime`, `cutime`,
 * `cstime` of `/proc/<pid>/stat`, in clock ticks of 1/100 s): the postmaster's own and its
 * reaped children's (a backend that exited during the run is counted there), plus every
 * live child's (backends of every database, background writer, WAL writer, autovacuum).
 * So it is the whole server's CPU: on a quiet machine, the benchmark's. Only when the
 * server runs on this machine (embedded, or a local one whose processes this user can
 * read); otherwise `serverCpu` is undefined.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Clock ticks per second of `/proc/<pid>/stat` (`sysconf(_SC_CLK_TCK)`, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Fields of `/proc/<pid>/stat` after the command name: index 0 is field 3 (`state`). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // exited, or not readable
  }
}

/** Is `pid` a process of this machine named `postgres`? */
function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}

/**
 * CPU seconds the PostgreSQL server whose backend is `backendPid` has used since it
 * started (postmaster, reaped children, live children). @returns undefined when that
 * backend is not a process of this machine
 */
export function serverCpuSeconds(backendPid: number): number | undefined {
  if (!isPostgres(backendPid)) return undefined;
  const postmaster = Number(statFields(backendPid)?.[1]); // field 4: ppid
  const own = statFields(postmaster);
  if (!own || !isPostgres(postmaster)) return undefined;
  // Fields 14–17 (utime, stime, cutime, cstime) are indices 11–14 here.
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS_PER_SECOND;
}

/** CPU of a run: this process's and the server's, in seconds. */
export interface CpuUse {
  readonly nodeCpu: number;
  /** Undefined when the server is not on this machine. */
  readonly serverCpu: number | undefined;
}

/** Starts measuring; the returned function ends the measurement. */
export function measureCpu(backendPid: number): () => CpuUse {
  const node = process.cpuUsage();
  const server = serverCpuSeconds(backendPid);
  return () => {
    const used = process.cpuUsage(node);
    const serverNow = serverCpuSeconds(backendPid);
    return {
      nodeCpu: (used.user + used.system) / 1e6,
      serverCpu: server === undefined || serverNow === undefined ? undefined : serverNow - server,
    };
  };
}

/** Cores this process may use (`os.availableParallelism()`). */
export const CORES = availableParallelism();

/**
 * The shortest wall time `cpu` allows on `CORES` cores: its CPU seconds ÷ cores (every
 * core busy all the time, which no real run achieves).
 * @returns undefined when the server's CPU is unknown
 */
export function cpuBoundSeconds(cpu: CpuUse): number | undefined {
  return cpu.serverCpu === undefined ? undefined : (cpu.nodeCpu + cpu.serverCpu) / CORES;
}
