using System.Globalization;
using System.Text;

namespace Bench.Common;

/// <summary>
/// What every results file says about the machine it was measured on: logical CPUs (`nproc`), the CPU model from
/// /proc/cpuinfo, the UTC date and /proc/loadavg. Where /proc is missing (not Linux) the text says unknown.
/// </summary>
internal static class MachineInfo
{
    /// <summary>Logical CPUs this process may run on (what `nproc` prints).</summary>
    public static int Cores => Environment.ProcessorCount;

    /// <summary>Now in UTC as <c>yyyy-MM-dd HH:mm</c> (the results files add " UTC").</summary>
    public static string Date => DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The first "model name" of /proc/cpuinfo, or <paramref name="unknown"/> where there is none.</summary>
    public static string CpuModel(string unknown = "unknown")
    {
        try
        {
            var line = File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                : null;
            return line?.Split(':', 2)[1].Trim() ?? unknown;
        }
        catch (IOException)
        {
            return unknown;
        }
    }

    /// <summary>/proc/loadavg as written (1, 5 and 15-minute load, runnable/total tasks, last pid), or "unknown".</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>The results file's date, machine (with the load average now) and command lines for <paramref name="suite"/>.</summary>
    public static void AppendHeader(StringBuilder text, string suite, string[] args)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"- date: {Date} UTC");
        text.AppendLine(CultureInfo.InvariantCulture, $"- machine: {Cores} logical CPUs (nproc), {CpuModel()}; load average at the end: {LoadAverage()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- command: `dotnet run -c Release --project bench -- {suite} {string.Join(' ', args)}`");
    }
}
