/** CPU of all threads per engine stage, for the benchmark scripts: onProgress(stage, 0) marks where each stage starts. */
export const cpuMs = (x: NodeJS.CpuUsage) => Math.round((x.user + x.system) / 1000);

export function stageCpuRecorder(): { onProgress: (stage: string) => void; stageCpu: Record<string, number> } {
  const stageCpu: Record<string, number> = {};
  let stage = '', mark = process.cpuUsage();
  return {
    stageCpu,
    onProgress: (s) => {
      if (s === stage) return;
      if (stage) stageCpu[stage] = cpuMs(process.cpuUsage(mark));
      [stage, mark] = [s, process.cpuUsage()];
    },
  };
}
