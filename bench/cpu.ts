// CPU time beside wall time: on a machine of few cores, a scan whose threads are all busy cannot go faster by
// splitting its work further, and the bench says how close to that floor a scan is.

/** User plus system time in ms of a reading (`process.cpuUsage(since)` or `process.threadCpuUsage(since)`). */
export function cpuTimeMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** The shortest wall time `cpuMs` of work can take on `cores` cores: every core busy, none of it waiting. */
export function cpuFloorMs(cpuMs: number, cores: number): number {
  return cpuMs / Math.max(1, cores);
}
