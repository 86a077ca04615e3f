using System.Text;

namespace Server.Metrics;

/// <summary>Renames the <c>vllm_*</c> series of an exposition to vLLM's own <c>vllm:*</c> names.</summary>
internal static class VllmNames
{
    private const string Registered = "vllm_";
    private const string Exposed = "vllm:";

    /// <summary>Each sample line and HELP/TYPE comment whose metric name starts with <c>vllm_</c> gets <c>vllm:</c>.</summary>
    public static string Rename(string exposition)
    {
        var text = new StringBuilder(exposition.Length);
        foreach (var line in exposition.Split('\n'))
        {
            if (text.Length > 0) text.Append('\n');
            if (line.StartsWith(Registered, StringComparison.Ordinal))
                text.Append(Exposed).Append(line.AsSpan(Registered.Length));
            else if (line.StartsWith("# HELP " + Registered, StringComparison.Ordinal) || line.StartsWith("# TYPE " + Registered, StringComparison.Ordinal))
                text.Append(line.AsSpan(0, 7)).Append(Exposed).Append(line.AsSpan(7 + Registered.Length));
            else
                text.Append(line);
        }
        return text.ToString();
    }
}
