using System.Globalization;

namespace Orchestration.Benchmarks;

/// <summary>CPU time and memory of processes, read from /proc (Linux).</summary>
public static class ProcessStats
{
    // /proc reports times in USER_HZ, which the kernel fixes at 100 for user space whatever its internal tick rate.
    const double MillisecondsPerTick = 10;

    /// <summary>User + system CPU time of one process so far, in milliseconds.</summary>
    public static double CpuMilliseconds(int pid, bool includeReapedChildren = false)
    {
        var fields = StatFields(pid);
        if (fields is null)
            return 0;
        // After the ")" closing the command name the fields start at the 3rd (state); utime is the 14th, stime the 15th,
        // cutime and cstime (children already waited for) the 16th and 17th.
        var ticks = Tick(fields, 14) + Tick(fields, 15);
        if (includeReapedChildren)
            ticks += Tick(fields, 16) + Tick(fields, 17);
        return ticks * MillisecondsPerTick;
    }

    /// <summary>Peak resident set size (VmHWM) in MB.</summary>
    public static double PeakResidentMegabytes(int pid) => StatusKilobytes(pid, "VmHWM:") / 1024.0;

    public static double ResidentMegabytes(int pid) => StatusKilobytes(pid, "VmRSS:") / 1024.0;

    /// <summary>
    /// CPU milliseconds of every process whose command name is <paramref name="command"/> (postgres, beam.smp),
    /// including exited children their parents collected, so backends that come and go are still counted.
    /// </summary>
    public static double CpuMillisecondsOf(string command)
    {
        double total = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(directory, "comm")).Trim() == command)
                    total += CpuMilliseconds(pid, includeReapedChildren: true);
            }
            catch (IOException)
            {
                // The process ended between listing and reading.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return total;
    }

    /// <summary>Busy and total CPU time of the whole machine (all cores), in milliseconds.</summary>
    public static (double Busy, double Total) MachineCpuMilliseconds()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest times are already inside user and nice).
        var total = cpu.Take(8).Sum();
        var idle = cpu[3] + cpu[4];
        return ((total - idle) * MillisecondsPerTick, total * MillisecondsPerTick);
    }

    static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat[(stat.LastIndexOf(')') + 2)..];
            return afterName.Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    static long Tick(string[] afterName, int field) => long.Parse(afterName[field - 3], CultureInfo.InvariantCulture);

    static long StatusKilobytes(int pid, string key)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
