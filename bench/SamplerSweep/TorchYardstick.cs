using System.Text.Json;

namespace Bench.SamplerSweep;

/// <summary>
/// The PyTorch yardstick's results (torch_sampler_sweep.py, run on the same GPU in the same device call): one JSON
/// line per (implementation, vocab, batch) with the configuration of ours it stands beside (<c>matches</c>).
/// </summary>
internal static class TorchYardstick
{
    public sealed record Entry(string Impl, double Ms, string Torch);

    public static Dictionary<(string Config, int Vocab, int Batch), Entry> Read(string path)
    {
        var entries = new Dictionary<(string, int, int), Entry>();
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"sampler-sweep: no PyTorch results at {path}; the table will lack the yardstick.");
            return entries;
        }
        foreach (var line in File.ReadLines(path).Where(l => l.TrimStart().StartsWith('{')))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            entries[(r.GetProperty("matches").GetString()!, r.GetProperty("vocab").GetInt32(), r.GetProperty("batch").GetInt32())] =
                new Entry(r.GetProperty("impl").GetString()!, r.GetProperty("ms").GetDouble(), r.TryGetProperty("torch", out var t) ? t.GetString() ?? "" : "");
        }
        return entries;
    }
}
