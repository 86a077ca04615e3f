using System.Globalization;
using System.Text;

namespace Server.Metrics;

/// <summary>A Prometheus histogram with fixed upper bounds (seconds); lock-free observation.</summary>
public sealed class Histogram(string name, string help, double[] bounds)
{
    private readonly long[] _buckets = new long[bounds.Length];
    private long _count;
    private long _sumMicros;

    public void Observe(double seconds)
    {
        for (var i = 0; i < bounds.Length; i++)
            if (seconds <= bounds[i]) Interlocked.Increment(ref _buckets[i]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicros, (long)(seconds * 1e6));
    }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Appends the exposition lines: cumulative buckets, +Inf, _sum and _count.</summary>
    public void WriteTo(StringBuilder text)
    {
        var inv = CultureInfo.InvariantCulture;
        text.Append(inv, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
        for (var i = 0; i < bounds.Length; i++)
            text.Append(inv, $"{name}_bucket{{le=\"{bounds[i]}\"}} {Interlocked.Read(ref _buckets[i])}\n");
        var count = Count;
        text.Append(inv, $"{name}_bucket{{le=\"+Inf\"}} {count}\n");
        text.Append(inv, $"{name}_sum {Interlocked.Read(ref _sumMicros) / 1e6}\n");
        text.Append(inv, $"{name}_count {count}\n");
    }
}
