using System.Globalization;
using System.Text;
using System.Text.Json;
using Loader.Safetensors;

namespace Engine.Sampling;

/// <summary>
/// The research harness behind <c>engine samplers</c>: one decoding step of a request's chain over one
/// logit vector, returning the processed (final) distribution over the whole vocabulary. Parameters go
/// through <see cref="SamplingParams.FromJson"/> exactly as an HTTP request's do.
/// </summary>
public static class SamplingProbe
{
    /// <summary>
    /// Runs S0–S6 for a sequence with <paramref name="prompt"/> and generated <paramref name="history"/>;
    /// the RNG identity (for XTC's coin) is the request's seed (0 when absent) and choice 0, step = history length.
    /// </summary>
    public static float[] ProcessedDistribution(float[] logits, JsonElement requestBody, IReadOnlyList<int> prompt,
        IReadOnlyList<int> history, IReadOnlyList<int> eos)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var p = SamplingParams.FromJson(requestBody, new SamplingLimits { VocabSize = logits.Length });
        var sampler = SequenceSampler.Create(p, new SamplerSetup(logits.Length, eos), p.Seed ?? 0, 0);
        var probs = new float[logits.Length];
        sampler.ProcessDistribution((float[])logits.Clone(), [.. prompt], [.. history], probs);
        return probs;
    }

    /// <summary>
    /// Reads a logit vector: a <c>.safetensors</c> file holding one F32 tensor named <c>logits</c> of shape [V],
    /// or a JSON array of finite numbers.
    /// </summary>
    /// <exception cref="FormatException">The file is neither, names the file and what is wrong.</exception>
    public static float[] ReadLogits(string path)
    {
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            using var file = SafetensorsFile.Open(path);
            var tensor = file.GetTensor("logits");
            if (tensor.Dtype != SafetensorsDtype.F32 || tensor.Shape.Count != 1)
            {
                throw new FormatException($"{path}: tensor 'logits' must be F32 of shape [V], got {tensor.Dtype} {tensor.Info.ShapeText}.");
            }
            return tensor.ToFloat32Array();
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        if (doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.GetArrayLength() == 0)
        {
            throw new FormatException($"{path}: expected a non-empty JSON array of numbers.");
        }
        var logits = new float[doc.RootElement.GetArrayLength()];
        var i = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !float.IsFinite(logits[i] = (float)item.GetDouble()))
            {
                throw new FormatException($"{path}: element {i} is not a finite number ({item.GetRawText()}).");
            }
            i++;
        }
        return logits;
    }

    /// <summary>Comma-separated token ids ("" or null → none).</summary>
    public static int[] ParseIds(string? ids, string option)
    {
        if (string.IsNullOrWhiteSpace(ids))
        {
            return [];
        }
        return [.. ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s =>
            int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id >= 0
                ? id
                : throw new FormatException($"{option}: '{s}' is not a token id."))];
    }

    /// <summary><c>{"probs": [...]}</c> with round-trip float formatting.</summary>
    public static string ToJson(ReadOnlySpan<float> probs)
    {
        var sb = new StringBuilder("{\"probs\": [");
        for (var i = 0; i < probs.Length; i++)
        {
            sb.Append(i == 0 ? "" : ", ").Append(probs[i].ToString("R", CultureInfo.InvariantCulture));
        }
        return sb.Append("]}").ToString();
    }
}
