using System.Globalization;
using System.Security;
using System.Text;
using Bench.Common;

namespace Bench.SamplerSweep;

/// <summary>The sampler sweep's results file (table per vocabulary, the yardstick beside ours) and its SVG bar chart.</summary>
internal static class SamplerSweepReport
{
    public static string Markdown(string device, string accelerator, Dictionary<(string, int, int), double> r,
        Dictionary<(string, int, int), TorchYardstick.Entry> torch, int[] vocabs, int[] batches, string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# Sampler sweep: cost per decoding step, device {device}").AppendLine();
        MachineInfo.AppendHeader(sb, "sampler-sweep", args);
        if (accelerator.Length > 0)
        {
            sb.AppendLine(inv, $"- accelerator: {accelerator}");
        }
        sb.AppendLine(device switch
        {
            "cpu" => "- each cell: process CPU milliseconds for one step of the whole batch through the CPU SamplerChain (rows one after another on one thread). No yardstick runs beside it on the CPU: compare rows with the plain row, not runs (the machine is shared; ±30% between runs is normal).",
            "cuda" => "- each cell: wall milliseconds per step of the whole batch through DeviceSamplerChain (params upload, every stage, S5, the seeded draw), the stream synchronised, after two warm-up steps; the device-to-device reset of the logits is timed alone and subtracted. The PyTorch columns ran on the same GPU in the same device call.",
            _ => "- each cell: the device kernels on ILGPU's CPU accelerator, a simulator of every thread: this proves the bench path runs; it is no speed of anything.",
        });
        sb.AppendLine("- every configuration but the last is one sampler on top of plain sampling (softmax + draw); penalties and DRY are the penalty half's (issue 12) and not in these rows.");
        foreach (var vocab in vocabs)
        {
            sb.AppendLine().AppendLine(inv, $"## vocab {vocab}").AppendLine();
            sb.Append("| configuration |");
            foreach (var b in batches)
            {
                sb.Append(inv, $" b={b} ms |");
            }
            var withTorch = torch.Keys.Any(k => k.Item2 == vocab);
            if (withTorch)
            {
                foreach (var b in batches)
                {
                    sb.Append(inv, $" torch b={b} ms | torch/ours b={b} |");
                }
            }
            sb.AppendLine();
            sb.Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", batches.Length * (withTorch ? 3 : 1)))).AppendLine();
            foreach (var name in Names(r))
            {
                sb.Append(inv, $"| {name} |");
                foreach (var b in batches)
                {
                    sb.Append(inv, $" {r[(name, vocab, b)]:F4} |");
                }
                if (withTorch)
                {
                    foreach (var b in batches)
                    {
                        sb.Append(torch.TryGetValue((name, vocab, b), out var t)
                            ? string.Create(inv, $" {t.Ms:F4} ({t.Impl}) | {t.Ms / Math.Max(r[(name, vocab, b)], 1e-9):F2} |")
                            : " - | - |");
                    }
                }
                sb.AppendLine();
            }
        }
        sb.AppendLine().AppendLine(inv, $"![cost per step at the largest cell](sampler-sweep-{device}.svg)");
        return sb.ToString();
    }

    // The configurations, then any extra rows the device run measured (the sort yardstick).
    private static IEnumerable<string> Names(Dictionary<(string, int, int), double> r) =>
        SamplerSweepBench.Configs.Select(c => c.Name).Concat(r.Keys.Select(k => k.Item1).Distinct().Where(n => !SamplerSweepBench.Configs.Any(c => c.Name == n)));

    /// <summary>Horizontal bars at the largest (vocab, batch) cell: ours per configuration, the yardstick's beside it where one exists.</summary>
    public static string Svg(string device, Dictionary<(string, int, int), double> r, Dictionary<(string, int, int), TorchYardstick.Entry> torch,
        int[] vocabs, int[] batches)
    {
        var inv = CultureInfo.InvariantCulture;
        var vocab = vocabs.Max();
        var batch = batches.Max();
        var configs = Names(r).Select(n => (Name: n, Json: "")).ToArray();
        const int Label = 360, Width = 960, Bar = 10, Gap = 6;
        var height = 50 + (configs.Length * ((2 * Bar) + Gap)) + 20;
        var values = configs.Select(c => r[(c.Name, vocab, batch)]).Concat(configs.Select(c => torch.TryGetValue((c.Name, vocab, batch), out var t) ? t.Ms : 0)).ToArray();
        var max = Math.Max(values.Max(), 1e-9);
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{height}" font-family="sans-serif" font-size="11">""");
        sb.AppendLine("""<rect width="100%" height="100%" fill="white"/>""");
        sb.AppendLine(inv, $"""<text x="10" y="18" font-size="14">Sampler cost per step (ms), device {device}, vocab {vocab}, batch {batch}</text>""");
        sb.AppendLine(inv, $"""<rect x="{Label}" y="28" width="10" height="10" fill="#4e79a7"/><text x="{Label + 14}" y="37">ours</text><rect x="{Label + 80}" y="28" width="10" height="10" fill="#e15759"/><text x="{Label + 94}" y="37">PyTorch (same GPU, same call)</text>""");
        for (var i = 0; i < configs.Length; i++)
        {
            var y = 48 + (i * ((2 * Bar) + Gap));
            sb.AppendLine(inv, $"""<text x="{Label - 6}" y="{y + Bar}" text-anchor="end">{SecurityElement.Escape(configs[i].Name)}</text>""");
            Bar1(sb, y, r[(configs[i].Name, vocab, batch)], "#4e79a7");
            if (torch.TryGetValue((configs[i].Name, vocab, batch), out var t))
            {
                Bar1(sb, y + Bar, t.Ms, "#e15759");
            }
        }
        sb.AppendLine("</svg>");
        return sb.ToString();

        void Bar1(StringBuilder text, int y, double ms, string colour)
        {
            var w = Math.Max(1.0, (Width - Label - 90) * ms / max);
            text.AppendLine(inv, $"""<rect x="{Label}" y="{y}" width="{w:F1}" height="{Bar - 1}" fill="{colour}"/><text x="{Label + w + 4:F1}" y="{y + Bar - 1}" font-size="9">{ms:F4}</text>""");
        }
    }
}
