/**
 * Resident memory and CPU time of a child process, from /proc (Linux): VmRSS of
 * /proc/<pid>/status sampled every `intervalMs`, and VmHWM (the kernel's own peak). The peak is
 * reset at the start of each measurement by writing 5 to /proc/<pid>/clear_refs when the kernel
 * allows it, so VmHWM is the peak of that measurement; the reported peak is the larger of VmHWM
 * and the highest sample. CPU time (user + system, all threads) from /proc/<pid>/stat.
 */
import fs from 'node:fs';

export interface RssReading {
  rssMb: number;
  hwmMb: number;
}

export function readRss(pid: number): RssReading | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** User + system CPU time of every thread of `pid`, in ms (clock ticks of 10 ms, USER_HZ = 100 on Linux). */
export function readCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private maxSampleMb = 0;
  private samples = 0;
  private cpuStartMs: number;
  /** Whether VmHWM was reset for this measurement (else it is the process's lifetime peak). */
  readonly hwmReset: boolean;

  constructor(
    private readonly pid: number,
    intervalMs = 50,
  ) {
    try {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
      this.hwmReset = true;
    } catch {
      this.hwmReset = false;
    }
    this.cpuStartMs = readCpuMs(pid);
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const r = readRss(this.pid);
    if (r && Number.isFinite(r.rssMb)) {
      this.maxSampleMb = Math.max(this.maxSampleMb, r.rssMb);
      this.samples++;
    }
  }

  /** Takes the CPU baseline again (the measured window begins now). */
  startCpu(): void {
    this.cpuStartMs = readCpuMs(this.pid);
  }

  /** Stops sampling; the peak in MB over the measurement and the CPU time the process used since `startCpu` (or the start). */
  stop(): { peakMb: number; maxSampleMb: number; hwmMb: number; samples: number; cpuMs: number } {
    clearInterval(this.timer);
    this.sample();
    const cpuMs = readCpuMs(this.pid) - this.cpuStartMs;
    const hwm = this.hwmReset ? (readRss(this.pid)?.hwmMb ?? NaN) : NaN;
    const peak = Number.isFinite(hwm) ? Math.max(hwm, this.maxSampleMb) : this.maxSampleMb;
    return { peakMb: peak, maxSampleMb: this.maxSampleMb, hwmMb: hwm, samples: this.samples, cpuMs };
  }
}
